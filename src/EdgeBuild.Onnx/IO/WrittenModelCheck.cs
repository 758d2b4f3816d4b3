using EdgeBuild.Onnx.Protos;
using Microsoft.Win32.SafeHandles;

namespace EdgeBuild.Onnx.IO;

/// <summary>
/// Proves that a model written with external data (the .onnx plus its data file) holds exactly the in-memory model
/// it came from: the verified one. Streams the data file range by range against each tensor's bytes instead of
/// loading a second copy, so it costs the graph's size in memory even for models past 2 GB.
/// </summary>
internal static class WrittenModelCheck
{
    private const int ChunkBytes = 1 << 20;

    /// <returns>Null when the files on disk equal <paramref name="expected"/>; otherwise the first difference.</returns>
    /// <param name="expected">The model as verified, held in memory with its weights inline.</param>
    /// <param name="path">The written .onnx; its external data locations are resolved in its folder.</param>
    /// <param name="externalTensors">How many tensors the written model reads from external data.</param>
    public static string? Compare(ModelProto expected, string path, out int externalTensors)
    {
        externalTensors = 0;
        var fullPath = Path.GetFullPath(path);
        ModelProto written;
        using (var stream = File.OpenRead(fullPath)) written = ModelProto.Parser.ParseFrom(stream);

        var expectedTensors = ModelTensors.All(expected).ToList();
        var writtenTensors = ModelTensors.All(written).ToList();
        if (expectedTensors.Count != writtenTensors.Count)
            return $"{writtenTensors.Count} tensors written, {expectedTensors.Count} expected";

        var handles = new Dictionary<string, SafeFileHandle>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < writtenTensors.Count; i++)
            {
                var (w, e) = (writtenTensors[i], expectedTensors[i]);
                if (w.DataLocation != TensorProto.Types.DataLocation.External) continue;
                externalTensors++;
                var reference = ExternalDataReference.Parse(w, out var problem);
                if (problem is not null) return $"tensor '{w.Name}': {problem}";
                if (reference.Length != e.RawData.Length) return $"tensor '{w.Name}' has {reference.Length} bytes of external data, {e.RawData.Length} expected";
                if (!handles.TryGetValue(reference.Location, out var handle))
                {
                    var dataPath = ExternalDataPaths.Resolve(Path.GetDirectoryName(fullPath)!, reference.Location, out problem);
                    if (dataPath is null) return problem;
                    handles[reference.Location] = handle = File.OpenHandle(dataPath);
                }

                if (!SameBytes(handle, reference.Offset, e.RawData.Span)) return $"tensor '{w.Name}' differs in '{reference.Location}'";

                // The bytes are proven equal: share the expected buffer (no copy) so the rest compares as protobuf.
                w.RawData = e.RawData;
                w.ExternalData.Clear();
                w.ClearDataLocation();
            }
        }
        finally
        {
            foreach (var handle in handles.Values) handle.Dispose();
        }

        return written.Equals(expected) ? null : "the graph differs from the verified model";
    }

    private static bool SameBytes(SafeFileHandle handle, long offset, ReadOnlySpan<byte> expected)
    {
        var buffer = new byte[Math.Min(ChunkBytes, Math.Max(1, expected.Length))];
        for (var done = 0; done < expected.Length;)
        {
            var want = Math.Min(buffer.Length, expected.Length - done);
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, want), offset + done);
            if (read == 0 || !buffer.AsSpan(0, read).SequenceEqual(expected.Slice(done, read))) return false;
            done += read;
        }

        return true;
    }
}
