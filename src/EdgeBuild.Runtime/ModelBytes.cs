using System.Reflection;
using System.Security.Cryptography;

namespace EdgeBuild.Runtime;

/// <summary>A model read for loading: its bytes, where they came from, and the folder of its external data file (or null).</summary>
internal readonly record struct ModelSource(byte[] Bytes, string Source, string? ExternalDataFolder);

/// <summary>
/// Reads a model's bytes once and checks them against the compiled-in hash. The session is created from the
/// very bytes that were hashed, so a file swapped between check and load cannot slip through. A model with external
/// data (<see cref="EdgeModelInfo.ExternalDataFileName"/>) also has its data file hashed; ONNX Runtime then reads that
/// file itself from the model's folder (it cannot take external data from the model's bytes).
/// </summary>
internal static class ModelBytes
{
    public static ModelSource FromOutputFolder(EdgeModelInfo model, Assembly resourceAssembly)
    {
        if (model.ResourceName is { } resource)
        {
            if (model.ExternalDataFileName is not null)
                throw new NotSupportedException($"{model.ClassName}: an embedded model cannot have external data ('{model.ExternalDataFileName}'). Rebuild without Embed=true.");
            using var stream = resourceAssembly.GetManifestResourceStream(resource)
                ?? throw new FileNotFoundException(
                    $"{model.ClassName}: embedded model resource '{resource}' is missing from assembly '{resourceAssembly.GetName().Name}'. " +
                    "Rebuild the project; the EdgeModel item with Embed=true adds it.", resource);
            return new ModelSource(ReadAll(stream), resourceAssembly.GetName().Name + ":" + resource, null);
        }

        return FromFile(model, Path.Combine(AppContext.BaseDirectory, model.ModelFileName));
    }

    public static ModelSource FromFile(EdgeModelInfo model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{model.ClassName}: model file '{path}' not found. The build copies '{model.ModelFileName}' to the output folder; " +
                "check that the EdgeModel item is in the project and the build succeeded, or pass the model's path to Create.", path);

        string? folder = null;
        if (model.ExternalDataFileName is { } dataFile)
        {
            folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var dataPath = Path.Combine(folder, dataFile);
            if (!File.Exists(dataPath))
                throw new FileNotFoundException(
                    $"{model.ClassName}: external data file '{dataPath}' not found next to model '{path}'. The model keeps its weights " +
                    $"there; the build copies '{dataFile}' with '{model.ModelFileName}': deploy both files together.", dataPath);
        }

        return new ModelSource(File.ReadAllBytes(path), path, folder);
    }

    public static ModelSource FromStream(EdgeModelInfo model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (model.ExternalDataFileName is not null)
            throw new NotSupportedException(
                $"{model.ClassName}: the model keeps its weights in '{model.ExternalDataFileName}', which ONNX Runtime can only read next to a " +
                "model file. Load it from its file (Create(modelPath), or Create() from the output folder) instead of a stream.");
        return new ModelSource(ReadAll(stream), "<stream>", null);
    }

    /// <summary>Checks the model's bytes and, when it has one, its external data file against the compiled-in hashes.</summary>
    public static void Verify(EdgeModelInfo model, in ModelSource source)
    {
        var actual = Convert.ToHexString(SHA256.HashData(source.Bytes)).ToLowerInvariant();
        if (!string.Equals(actual, model.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new EdgeModelIntegrityException(source.Source, model.Sha256, actual);

        if (source.ExternalDataFolder is not { } folder || model.ExternalDataFileName is not { } dataFile) return;
        var dataPath = Path.Combine(folder, dataFile);
        string data;
        using (var stream = File.OpenRead(dataPath)) data = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        var expected = model.ExternalDataSha256 ?? "";
        if (!string.Equals(data, expected, StringComparison.OrdinalIgnoreCase))
            throw new EdgeModelIntegrityException(dataPath, expected, data);
    }

    private static byte[] ReadAll(Stream stream)
    {
        if (stream is MemoryStream { Position: 0 } memory && memory.TryGetBuffer(out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length)
            return segment.Array;

        using var copy = stream.CanSeek ? new MemoryStream(checked((int)Math.Max(0, stream.Length - stream.Position))) : new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
