using System.Globalization;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Onnx.IO;

/// <summary>Saves a model, moving initializers to an external data file when the options (or the 2 GB limit) ask for it.</summary>
internal static class ModelWriter
{
    /// <summary>Tensors of at least this size start at a multiple of <see cref="Alignment"/>, so ONNX Runtime can memory-map them.</summary>
    private const long AlignThreshold = 1 << 20;
    private const long Alignment = 1 << 16;

    public static void Save(ModelProto model, string path, ModelSaveOptions options)
    {
        var fullPath = Path.GetFullPath(path);
        var toWrite = model;
        string? dataTemp = null, modelTemp = null;
        string? dataPath = null;
        try
        {
            if (NeedsExternalData(model, options))
            {
                var fileName = options.ExternalDataFileName ?? Path.GetFileName(fullPath) + ".data";
                if (ExternalDataPaths.CheckText(fileName) is not null || fileName.IndexOfAny(['/', '\\']) >= 0)
                    throw new ArgumentException($"external data file name '{fileName}' must be a plain file name in the model's folder", nameof(options));
                dataPath = Path.Combine(Path.GetDirectoryName(fullPath)!, fileName);
                toWrite = model.Clone(); // never touch the caller's model: tensors change location
                (dataTemp, var written) = WriteExternalData(toWrite, fileName, dataPath, options);
                if (written == 0) { AtomicFile.Discard(dataTemp); dataTemp = null; dataPath = null; }
            }

            long size = toWrite.CalculateSize();
            if (size < 0 || size > options.ProtobufLimit)
                throw new ModelFormatException(fullPath, ModelProblemKind.InvalidModel,
                    "the model's protobuf exceeds 2 GB even with its raw_data initializers stored externally",
                    "Store large tensors in raw_data so they can move to external data");

            (modelTemp, var stream) = AtomicFile.Create(fullPath);
            using (stream)
            {
                var output = new CodedOutputStream(stream, 1 << 20);
                toWrite.WriteTo(output);
                output.Flush();
            }

            if (dataTemp is not null) AtomicFile.Commit(dataTemp, dataPath!);
            dataTemp = null;
            AtomicFile.Commit(modelTemp, fullPath);
            modelTemp = null;
        }
        finally
        {
            AtomicFile.Discard(dataTemp);
            AtomicFile.Discard(modelTemp);
        }
    }

    private static bool NeedsExternalData(ModelProto model, ModelSaveOptions options)
    {
        switch (options.ExternalData)
        {
            case ExternalDataPolicy.Always:
                return true;
            case ExternalDataPolicy.Never:
                return false;
            default:
                var tensorBytes = ModelTensors.All(model).Sum(TensorData.StoredByteCount);
                if (tensorBytes > options.ProtobufLimit) return true;
                long size = model.CalculateSize(); // wraps negative past 2 GB
                return size < 0 || size > options.ProtobufLimit;
        }
    }

    private static (string TempPath, long Written) WriteExternalData(ModelProto model, string fileName, string dataPath, ModelSaveOptions options)
    {
        var select = options.ExternalTensorFilter ?? (t => t.RawData.Length >= options.ExternalDataThreshold);
        var (temp, stream) = AtomicFile.Create(dataPath);
        long offset = 0;
        using (stream)
        {
            foreach (var tensor in Candidates(model, options.IncludeConstantNodes))
            {
                if (!tensor.HasRawData || !select(tensor)) continue;
                var length = tensor.RawData.Length;
                if (length >= AlignThreshold && offset % Alignment != 0)
                {
                    var pad = Alignment - offset % Alignment;
                    stream.Write(new byte[pad]);
                    offset += pad;
                }

                stream.Write(tensor.RawData.Span);
                tensor.ClearRawData();
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.ExternalData.Clear();
                tensor.ExternalData.Add(Entry("location", fileName));
                tensor.ExternalData.Add(Entry("offset", offset.ToString(CultureInfo.InvariantCulture)));
                tensor.ExternalData.Add(Entry("length", length.ToString(CultureInfo.InvariantCulture)));
                offset += length;
            }
        }

        return (temp, offset);
    }

    /// <summary>Tensors that may move: initializers of every graph, and optionally the value of Constant nodes.</summary>
    private static IEnumerable<TensorProto> Candidates(ModelProto model, bool includeConstantNodes)
    {
        foreach (var graph in ModelTensors.Graphs(model))
        {
            foreach (var tensor in graph.Initializer) yield return tensor;
            if (!includeConstantNodes) continue;
            foreach (var node in graph.Node)
            {
                if (node.OpType != "Constant" || !NodeKind.IsStandard(node)) continue;
                foreach (var attribute in node.Attribute)
                {
                    if (attribute.Name == "value" && attribute.T is not null) yield return attribute.T;
                }
            }
        }
    }

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };
}
