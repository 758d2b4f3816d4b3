using System.Reflection;
using System.Security.Cryptography;

namespace EdgeBuild.Runtime;

/// <summary>
/// Reads a model's bytes once and checks them against the compiled-in hash. The session is created from the
/// very bytes that were hashed, so a file swapped between check and load cannot slip through.
/// </summary>
internal static class ModelBytes
{
    public static (byte[] Bytes, string Source) FromOutputFolder(EdgeModelInfo model, Assembly resourceAssembly)
    {
        if (model.ResourceName is { } resource)
        {
            using var stream = resourceAssembly.GetManifestResourceStream(resource)
                ?? throw new FileNotFoundException(
                    $"{model.ClassName}: embedded model resource '{resource}' is missing from assembly '{resourceAssembly.GetName().Name}'. " +
                    "Rebuild the project; the EdgeModel item with Embed=true adds it.", resource);
            return (ReadAll(stream), resourceAssembly.GetName().Name + ":" + resource);
        }

        return FromFile(model, Path.Combine(AppContext.BaseDirectory, model.ModelFileName));
    }

    public static (byte[] Bytes, string Source) FromFile(EdgeModelInfo model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{model.ClassName}: model file '{path}' not found. The build copies '{model.ModelFileName}' to the output folder; " +
                "check that the EdgeModel item is in the project and the build succeeded, or pass the model's path to Create.", path);
        return (File.ReadAllBytes(path), path);
    }

    public static (byte[] Bytes, string Source) FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return (ReadAll(stream), "<stream>");
    }

    public static void Verify(EdgeModelInfo model, byte[] bytes, string source)
    {
        var actual = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        if (!string.Equals(actual, model.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new EdgeModelIntegrityException(source, model.Sha256, actual);
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
