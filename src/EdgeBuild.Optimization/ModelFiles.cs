using EdgeBuild.Onnx;
using EdgeBuild.Onnx.IO;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Optimization;

/// <summary>
/// The one place this library reads and writes .onnx files. Writes go to a temporary file that is
/// renamed over the target, so a crash never leaves a half-written model.
/// </summary>
/// <remarks>Seam: becomes a thin wrapper over EdgeBuild.Onnx.ModelFile (external data) once that lands.</remarks>
public static class ModelFiles
{
    public static ModelProto Load(string path) => LoadWithSize(path).Model;

    /// <summary>Like <see cref="Load"/>, also returning the bytes on disk: the .onnx plus the external data it read.</summary>
    public static (ModelProto Model, long Bytes) LoadWithSize(string path)
    {
        if (!File.Exists(path))
            throw new OptimizationInputException(DiagnosticCodes.InvalidModel, path, "the model file does not exist", "Check the path");
        LoadedModel loaded;
        try
        {
            // The trust boundary (validation, external data confined to the model's folder) lives in EdgeBuild.Onnx.
            loaded = ModelFile.LoadWithDetails(path);
        }
        catch (ModelFormatException e)
        {
            var code = e.Kind == ModelProblemKind.ExternalData ? DiagnosticCodes.ExternalData : DiagnosticCodes.InvalidModel;
            throw new OptimizationInputException(code, e.FilePath, e.Problem, e.Fix, e);
        }

        SourceModelCheck.EnsureRuntimeAccepts(loaded.Model, path);
        return (loaded.Model, new FileInfo(path).Length + loaded.ExternalDataFiles.Sum(f => f.Bytes));
    }

    public static void Save(ModelProto model, string path) => WriteAtomically(path, model.ToByteArray());

    /// <summary>Temp sibling and rename (EdgeBuild.Onnx.IO.AtomicFile), which also clears temporaries of killed runs.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes) => AtomicFile.WriteAllBytes(path, bytes);
}
