using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>
/// The graph ONNX Runtime actually runs (SessionOptions.OptimizedModelFilePath, level extended: constant folding,
/// then QDQ fusion), to check that a quantized model's DQ→op→Q groups became QLinear kernels.
/// </summary>
internal static class OrtOptimizedGraph
{
    /// <param name="int8Activations">As Sessions.Options sets it for signed-activation targets (rpi5).</param>
    public static GraphProto Of(ModelProto model, bool int8Activations)
    {
        using var dir = new TempDir();
        var path = dir.File("ort-optimized.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = path })
        {
            if (int8Activations) options.AddSessionConfigEntry("session.qdqisint8allowed", "1");
            using var session = new InferenceSession(model.ToByteArray(), options);
        }

        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
    }
}
