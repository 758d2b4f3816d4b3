using System.Security.Cryptography;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization;

/// <summary>What <see cref="OptimizedModelWriter"/> wrote.</summary>
/// <param name="Sha256">SHA-256 of the .onnx file (lower-case hex).</param>
/// <param name="Bytes">Bytes written: the .onnx plus its external data.</param>
/// <param name="ExternalDataPath">The external data file (OUT.onnx.data), or null when the model is inline.</param>
/// <param name="ExternalDataSha256">SHA-256 of the external data file, or null.</param>
internal sealed record WrittenModel(string Sha256, long Bytes, string? ExternalDataPath, string? ExternalDataSha256);

/// <summary>
/// Writes the optimized model after checking ONNX Runtime loads it. Inline (one self-contained .onnx) unless the
/// request asks for external data or the protobuf would exceed protobuf's 2 GB limit; then the weights go to
/// OUT.onnx.data next to it, both files written atomically, and the written pair is read back and compared with the
/// verified model before ORT loads it from disk.
/// </summary>
internal static class OptimizedModelWriter
{
    /// <summary>Protobuf cannot serialize a message of 2 GB or more.</summary>
    private const long ProtobufLimit = int.MaxValue;

    /// <summary>Where the external data of the model at <paramref name="outputPath"/> goes: OUT.onnx.data next to it.</summary>
    public static string DataPathFor(string outputPath) => Path.GetFullPath(outputPath) + ".data";

    public static WrittenModel Write(ModelProto model, OptimizeRequest request)
    {
        var dataPath = DataPathFor(request.OutputPath);
        long size = model.CalculateSize(); // wraps negative past 2 GB
        if (!request.ExternalData && size is >= 0 and < ProtobufLimit)
        {
            var bytes = model.ToByteArray();
            CheckLoads(options => new InferenceSession(bytes, options), request.ModelPath);
            ModelFiles.WriteAtomically(request.OutputPath, bytes);
            // A data file left by an earlier external-data run of this output would be copied and shipped with a model
            // that no longer reads it.
            File.Delete(dataPath);
            return new WrittenModel(Sha256(bytes), bytes.LongLength, null, null);
        }

        if (request.Embed)
            throw new OptimizationInputException(DiagnosticCodes.Usage, request.OutputPath, "a model with external data cannot be embedded as a resource",
                "Drop Embed (the model is copied next to the app with its .data file)");

        // ORT reads external data relative to the model file, so this check runs on the written files; ModelFile.Save
        // writes each file atomically, and a pair that differs from the verified model or that ORT refuses is deleted
        // again, so no bad output stays behind.
        Directory.CreateDirectory(Path.GetDirectoryName(dataPath)!);
        ModelFile.Save(model, request.OutputPath, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataFileName = Path.GetFileName(dataPath) });
        int externalTensors;
        try
        {
            if (ModelFile.CompareWritten(model, request.OutputPath, out externalTensors) is { } difference)
                throw new InvalidOperationException($"EdgeBuild wrote a model that differs from the verified one (from {request.ModelPath}): {difference}");
            CheckLoads(options => new InferenceSession(request.OutputPath, options), request.ModelPath);
        }
        catch
        {
            File.Delete(request.OutputPath);
            File.Delete(dataPath);
            throw;
        }

        var onnx = File.ReadAllBytes(request.OutputPath);
        if (externalTensors == 0)
        {
            // No weight was large enough to move: the model is inline after all, and a data file of an earlier run must go.
            File.Delete(dataPath);
            return new WrittenModel(Sha256(onnx), onnx.LongLength, null, null);
        }

        using var data = File.OpenRead(dataPath);
        return new WrittenModel(Sha256(onnx), onnx.LongLength + data.Length, dataPath, Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant());
    }

    private static void CheckLoads(Func<SessionOptions, InferenceSession> open, string sourcePath)
    {
        try
        {
            // Fatal only: ORT's warnings (old opsets, initializers listed as inputs) would land on the CLI's stderr; a
            // refusal still arrives as the exception below.
            using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL);
            using var session = open(options);
        }
        catch (OnnxRuntimeException e)
        {
            // Our output must load; if it does not, that's our bug, reported with the source it came from.
            throw new InvalidOperationException($"EdgeBuild produced a model ONNX Runtime refuses (from {sourcePath}): {e.Message}", e);
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
