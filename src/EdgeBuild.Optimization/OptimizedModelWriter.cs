using System.Security.Cryptography;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization;

/// <summary>
/// Writes the optimized model after checking ONNX Runtime loads it. Inline (one self-contained .onnx, what the
/// runtime's integrity check and embedding expect) unless the request asks for external data or the protobuf
/// would exceed protobuf's 2 GB limit; then the weights go to OUT.onnx.data next to it.
/// </summary>
internal static class OptimizedModelWriter
{
    /// <summary>Protobuf cannot serialize a message of 2 GB or more.</summary>
    private const long ProtobufLimit = int.MaxValue;

    /// <returns>The SHA-256 of the .onnx file (lower-case hex) and the bytes written (model + external data).</returns>
    public static (string Sha256, long Bytes) Write(ModelProto model, OptimizeRequest request)
    {
        long size = model.CalculateSize(); // wraps negative past 2 GB
        if (!request.ExternalData && size is >= 0 and < ProtobufLimit)
        {
            var bytes = model.ToByteArray();
            CheckLoads(options => new InferenceSession(bytes, options), request.ModelPath);
            ModelFiles.WriteAtomically(request.OutputPath, bytes);
            return (Sha256(bytes), bytes.LongLength);
        }

        if (request.Embed)
            throw new OptimizationInputException(DiagnosticCodes.Usage, request.OutputPath, "a model with external data cannot be embedded as a resource",
                "Drop Embed (the model is copied next to the app with its .data file)");

        // ORT reads external data relative to the model file, so this check runs on the written files; ModelFile.Save
        // writes each file atomically, and a model ORT refuses is deleted again, so no bad output stays behind.
        var dataFile = Path.GetFileName(request.OutputPath) + ".data";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(request.OutputPath))!);
        ModelFile.Save(model, request.OutputPath, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataFileName = dataFile });
        var dataPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.OutputPath))!, dataFile);
        try
        {
            CheckLoads(options => new InferenceSession(request.OutputPath, options), request.ModelPath);
        }
        catch
        {
            File.Delete(request.OutputPath);
            File.Delete(dataPath);
            throw;
        }

        var onnx = File.ReadAllBytes(request.OutputPath);
        return (Sha256(onnx), onnx.LongLength + (File.Exists(dataPath) ? new FileInfo(dataPath).Length : 0));
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
