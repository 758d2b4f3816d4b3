using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>
/// The real size of every value in the main graph at the declared input dims, measured by running
/// the model once in ONNX Runtime with every node output exposed as a graph output (optimizations
/// off, so every value exists as the graph declares it). Chosen over our own shape propagation
/// because it is exact for every operator ORT supports, including data-dependent shapes (for the
/// probe's input). Inputs are filled with a constant (0.5 / 1 / false).
/// </summary>
public static class ActivationShapeProbe
{
    /// <summary>Element type and shape per value name, for graph inputs and every node output.</summary>
    public static IReadOnlyDictionary<string, ValueSize> Measure(ModelProto model, string? modelDirectory, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        var probe = model.Clone();
        var graph = probe.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var exposed = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        foreach (var output in node.Output)
        {
            if (output.Length > 0 && exposed.Add(output)) graph.Output.Add(new ValueInfoProto { Name = output });
        }

        using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL);
        if (modelDirectory is not null) options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", modelDirectory);
        using var session = new InferenceSession(probe.ToByteArray(), options);

        var feeds = new List<OrtValue>();
        var names = new List<string>();
        try
        {
            foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
            {
                var type = input.Type?.TensorType?.ElemType ?? (int)TensorProto.Types.DataType.Float;
                if (!inputShapes.TryGetValue(input.Name, out var shape))
                    throw new ArgumentException($"no shape given for input '{input.Name}'", nameof(inputShapes));
                feeds.Add(Filled(type, shape));
                names.Add(input.Name);
            }

            var outputNames = session.OutputNames.ToList();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, feeds, outputNames);
            var sizes = new Dictionary<string, ValueSize>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++) sizes[names[i]] = SizeOf(feeds[i]);
            for (var i = 0; i < outputNames.Count; i++)
            {
                if (results[i].IsTensor) sizes[outputNames[i]] = SizeOf(results[i]);
            }

            return sizes;
        }
        finally
        {
            foreach (var feed in feeds) feed.Dispose();
        }
    }

    private static ValueSize SizeOf(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var type = (int)info.ElementDataType;
        return new ValueSize(type, info.Shape, ElementSizes.TensorBytes(type, info.Shape));
    }

    private static OrtValue Filled(int dataType, long[] shape)
    {
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)dataType, shape);
        var size = ElementSizes.Of(dataType);
        if (size == 0) throw new NotSupportedException($"inputs of ONNX element type {dataType} (e.g. strings) cannot be probed for memory");
        var bytes = value.GetTensorMutableRawData();
        switch ((TensorProto.Types.DataType)dataType)
        {
            case TensorProto.Types.DataType.Float:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).Fill(0.5f);
                break;
            case TensorProto.Types.DataType.Double:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).Fill(0.5);
                break;
            case TensorProto.Types.DataType.Float16:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes).Fill((Half)0.5f);
                break;
            case TensorProto.Types.DataType.Int64:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).Fill(1);
                break;
            case TensorProto.Types.DataType.Int32:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes).Fill(1);
                break;
            default:
                bytes.Clear();
                break;
        }

        return value;
    }
}

/// <summary>One value's element type (ONNX code), shape and bytes.</summary>
public sealed record ValueSize(int ElementType, IReadOnlyList<long> Shape, long Bytes);
