using EdgeBuild.Onnx.Protos;
using DeviceProfile = EdgeBuild.Optimization.Profiles.DeviceProfile;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Runtime;

/// <summary>
/// The graph ONNX Runtime actually runs (SessionOptions.OptimizedModelFilePath, level extended: constant folding,
/// then QDQ fusion; not the host-specific NCHWc layout), with the target's session settings, so a quantized model's
/// DQ→op→Q groups show as the QLinear kernels ORT made of them.
/// </summary>
internal static class OrtOptimizedGraph
{
    public static GraphProto Of(ModelProto model, DeviceProfile? target) => Of(model, Sessions.ForcesInt8QdqFusion(target));

    /// <param name="model">The model as ORT would load it.</param>
    /// <param name="int8Activations">"session.qdqisint8allowed", as <see cref="Sessions.Options"/> sets it for signed-activation ARM targets.</param>
    public static GraphProto Of(ModelProto model, bool int8Activations)
    {
        var dir = Directory.CreateTempSubdirectory("edgebuild-ort-graph-");
        try
        {
            var path = Path.Combine(dir.FullName, "optimized.onnx");
            using (var options = Sessions.Quiet(GraphOptimizationLevel.ORT_ENABLE_EXTENDED))
            {
                options.OptimizedModelFilePath = path;
                if (int8Activations) options.AddSessionConfigEntry("session.qdqisint8allowed", "1");
                using var session = new InferenceSession(model.ToByteArray(), options);
            }

            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
