using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>The op types ONNX Runtime actually runs: the graph after its extended-level fusions (QDQ → QLinear*), as it saves it.</summary>
internal static class OrtOptimized
{
    public static string[] OpTypes(ModelProto model)
    {
        using var dir = new TempDir();
        var path = dir.File("ort-optimized.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = path })
        using (new InferenceSession(model.ToByteArray(), options))
        {
        }

        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToArray();
    }
}
