using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.Win32.SafeHandles;

namespace EdgeBuild.Onnx.IO;

/// <summary>
/// Reads every externally stored tensor of a freshly parsed model into its raw_data (one read per tensor, into a
/// buffer the ByteString wraps without copying) and marks it DEFAULT, so the in-memory model is self-contained.
/// Lengths are checked against the real file size before anything is allocated.
/// </summary>
internal sealed class ExternalDataReader(string modelPath, string baseDirectory) : IDisposable
{
    private readonly Dictionary<string, (SafeFileHandle Handle, long Size, ExternalDataFile Summary)> _files = new(StringComparer.Ordinal);

    /// <summary>Files read, in first-use order, with the bytes and tensors each supplied.</summary>
    public List<ExternalDataFile> Files { get; } = [];

    public void ResolveAll(ModelProto model)
    {
        foreach (var tensor in ModelTensors.All(model))
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External) Resolve(tensor);
        }

        foreach (var (location, entry) in _files) Files.Add(entry.Summary);
    }

    private void Resolve(TensorProto tensor)
    {
        var reference = ExternalDataReference.Parse(tensor, out var problem);
        if (problem is not null) throw Fail(problem, "Re-export the model or fix its external_data entries");

        var (handle, size, summary) = Open(reference.Location);
        if (reference.Offset > size)
            throw Fail($"tensor '{tensor.Name}' starts at offset {reference.Offset} of '{reference.Location}', which has only {size} bytes", "Restore the complete external data file next to the model");
        var length = reference.Length ?? size - reference.Offset;
        if (length > size - reference.Offset)
            throw Fail($"tensor '{tensor.Name}' needs bytes {reference.Offset}..{reference.Offset + length} of '{reference.Location}', which has only {size} bytes", "Restore the complete external data file next to the model");
        if (length > Array.MaxLength)
            throw Fail($"tensor '{tensor.Name}' has {length} bytes of external data; one tensor is limited to {Array.MaxLength} bytes", "Split the tensor");

        var expected = ExpectedBytes(tensor);
        if (expected is not null && expected != length)
            throw Fail($"tensor '{tensor.Name}' has {length} bytes of external data in '{reference.Location}', but its type and shape need {expected}", "Re-export the model or fix its external_data entries");

        var buffer = GC.AllocateUninitializedArray<byte>((int)length);
        var read = 0;
        while (read < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read), reference.Offset + read);
            if (n == 0) throw Fail($"'{reference.Location}' ended early while reading tensor '{tensor.Name}'", "Restore the complete external data file next to the model");
            read += n;
        }

        tensor.RawData = UnsafeByteOperations.UnsafeWrap(buffer);
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
        summary.Bytes += length;
        summary.TensorCount++;
    }

    private static long? ExpectedBytes(TensorProto tensor)
    {
        try
        {
            return ElementTypes.RawByteCount(tensor.DataType, TensorData.ElementCount(tensor));
        }
        catch (OverflowException)
        {
            return null; // the model validator reports overflowing dims with a better message
        }
    }

    private (SafeFileHandle Handle, long Size, ExternalDataFile Summary) Open(string location)
    {
        if (_files.TryGetValue(location, out var open)) return open;

        var path = ExternalDataPaths.Resolve(baseDirectory, location, out var problem)
            ?? throw Fail(problem!, "Keep external data files in the model's folder, referenced by a relative path");
        try
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            open = (handle, RandomAccess.GetLength(handle), new ExternalDataFile(location));
            _files[location] = open;
            return open;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail($"cannot read external data file '{location}' ({e.Message})", "Copy the external data file next to the model", e);
        }
    }

    private ModelFormatException Fail(string problem, string fix, Exception? inner = null) =>
        new(modelPath, ModelProblemKind.ExternalData, problem, fix, inner);

    public void Dispose()
    {
        foreach (var entry in _files.Values) entry.Handle.Dispose();
    }
}
