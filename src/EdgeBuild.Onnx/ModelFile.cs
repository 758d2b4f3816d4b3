using EdgeBuild.Onnx.IO;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx;

/// <summary>
/// Reads and writes ONNX model files. Loading is the trust boundary: every failure is a
/// <see cref="ModelFormatException"/> naming the file, the problem and the fix; nothing from protobuf escapes.
/// External data is read once into each tensor's raw_data (see <see cref="TensorData"/> for spans over it), so a
/// loaded model is self-contained; <see cref="Save"/> decides anew what goes external. Unknown fields survive.
/// </summary>
public static class ModelFile
{
    /// <summary>Loads a model and its external data (resolved relative to the model's folder).</summary>
    public static ModelProto Load(string path) => LoadWithDetails(path).Model;

    /// <summary>Like <see cref="Load(string)"/>, also reporting the protobuf size and the external data files read.</summary>
    public static LoadedModel LoadWithDetails(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ModelReader.Load(path);
    }

    /// <summary>Loads a model from a stream; external data locations are resolved inside <paramref name="baseDirectory"/>.</summary>
    /// <param name="stream">The model's protobuf, read to the end.</param>
    /// <param name="baseDirectory">The folder external data locations are relative to.</param>
    /// <param name="displayName">Names the source in error messages (default "&lt;stream&gt;").</param>
    public static ModelProto Load(Stream stream, string baseDirectory, string? displayName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        return ModelReader.Load(stream, baseDirectory, displayName ?? "<stream>").Model;
    }

    /// <summary>
    /// Writes the model atomically (temporary file + rename; the external data file the same way, first). The
    /// caller's model is not changed. A model whose protobuf would exceed 2 GB gets external data automatically.
    /// </summary>
    /// <exception cref="ModelFormatException">The model cannot be stored within protobuf's limits.</exception>
    /// <exception cref="IOException">Writing failed; no partially written file is left behind.</exception>
    public static void Save(ModelProto model, string path, ModelSaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        ModelWriter.Save(model, path, options ?? ModelSaveOptions.Default);
    }

    /// <summary>
    /// Compares the model written at <paramref name="path"/> (the .onnx and the external data it points at) with
    /// <paramref name="model"/>, streaming the data file, so a written pair can be proven to hold the model that was
    /// checked. Returns null when they are equal, else the first difference; <paramref name="externalTensors"/> counts
    /// the tensors the written model reads from external data.
    /// </summary>
    public static string? CompareWritten(ModelProto model, string path, out int externalTensors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        return WrittenModelCheck.Compare(model, path, out externalTensors);
    }
}
