using EdgeBuild.Onnx.Protos;

using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace EdgeBuild.Onnx.IO;

/// <summary>Parses, validates and resolves external data; turns every failure into a <see cref="ModelFormatException"/>.</summary>
internal static class ModelReader
{
    /// <summary>Protobuf cannot address more than 2 GB in one message; bigger models must use external data.</summary>
    internal const long ProtobufLimit = int.MaxValue;

    /// <summary>
    /// Files at least this big are parsed straight from a read-only memory map: protobuf copies every bytes field
    /// out of its input anyway, so reading the file into a buffer first would be a second full copy (and 2× the
    /// peak memory). Small files are read normally; the cost is the same and a mapping is not worth it.
    /// </summary>
    internal static long MemoryMapThreshold { get; set; } = 16 << 20;

    public static LoadedModel Load(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var length = RandomAccess.GetLength(handle);
            if (length > ProtobufLimit)
                throw Invalid(path, $"the file has {length} bytes, more than protobuf's 2 GB limit", "Save the model with external data (weights in a separate file)");
            var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            return length >= MemoryMapThreshold
                ? ParseMapped(handle, length, path, baseDirectory)
                : Parse(ReadAll(handle, length, path), path, baseDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Invalid(path, $"cannot read the file ({e.Message})", "Check the path and the file's permissions", e);
        }
    }

    private static byte[] ReadAll(SafeFileHandle handle, long length, string path)
    {
        var bytes = GC.AllocateUninitializedArray<byte>((int)length);
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n == 0) throw Invalid(path, "the file shrank while it was read", "Do not modify the model while it is loaded");
            read += n;
        }

        return bytes;
    }

    private static unsafe LoadedModel ParseMapped(SafeFileHandle handle, long length, string path, string baseDirectory)
    {
        using var map = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            return Parse(new ReadOnlySpan<byte>(pointer + view.PointerOffset, (int)length), path, baseDirectory);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    public static LoadedModel Load(Stream stream, string baseDirectory, string displayPath)
    {
        byte[] bytes;
        try
        {
            bytes = ReadAll(stream, displayPath);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException or UnauthorizedAccessException)
        {
            throw Invalid(displayPath, $"cannot read the stream ({e.Message})", "Pass a readable stream positioned at the model's first byte", e);
        }

        return Parse(bytes, displayPath, baseDirectory);
    }

    private static byte[] ReadAll(Stream stream, string displayPath)
    {
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (remaining > ProtobufLimit)
                throw Invalid(displayPath, $"the stream has {remaining} bytes, more than protobuf's 2 GB limit", "Save the model with external data (weights in a separate file)");
            var exact = GC.AllocateUninitializedArray<byte>((int)remaining);
            stream.ReadExactly(exact);
            return exact;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.Length <= ProtobufLimit ? copy.ToArray()
            : throw Invalid(displayPath, "the stream has more than protobuf's 2 GB limit", "Save the model with external data (weights in a separate file)");
    }

    private static LoadedModel Parse(ReadOnlySpan<byte> bytes, string path, string baseDirectory)
    {
        if (bytes.Length == 0) throw Invalid(path, "the file is empty", "Pass an ONNX model file (.onnx)");

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        // Untrusted bytes: whatever the parser throws means "not a model", never a crash with a protobuf stack trace.
        catch (Exception e)
        {
            throw Invalid(path, $"the file is not a valid ONNX protobuf ({e.Message.TrimEnd('.')})", "Pass an ONNX model file (.onnx), complete and unmodified", e);
        }

        var problem = ModelValidator.FindProblem(model);
        if (problem is not null) throw Invalid(path, problem, "Pass an ONNX model file (.onnx), complete and unmodified");

        using var external = new ExternalDataReader(path, baseDirectory);
        try
        {
            external.ResolveAll(model);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelFormatException(path, ModelProblemKind.ExternalData, $"cannot resolve external data ({e.Message.TrimEnd('.')})",
                "Keep external data files in the model's folder, referenced by a relative path", e);
        }

        var dataProblem = ModelValidator.FindDataProblem(model);
        if (dataProblem is not null) throw Invalid(path, dataProblem, "Re-export the model; its tensor data does not match its shape (python -m onnx.checker names the tensor)");

        return new LoadedModel(model, path, bytes.Length, external.Files);
    }

    private static ModelFormatException Invalid(string path, string problem, string fix, Exception? inner = null) =>
        new(path, ModelProblemKind.InvalidModel, problem, fix, inner);
}
