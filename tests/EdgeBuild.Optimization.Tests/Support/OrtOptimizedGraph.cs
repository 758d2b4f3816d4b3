using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>The graph ONNX Runtime actually runs: <see cref="EdgeBuild.Optimization.Runtime.OrtOptimizedGraph"/>, for tests.</summary>
internal static class OrtOptimizedGraph
{
    /// <param name="int8Activations">As Sessions.Options sets it for signed-activation targets (rpi5).</param>
    public static GraphProto Of(ModelProto model, bool int8Activations) => EdgeBuild.Optimization.Runtime.OrtOptimizedGraph.Of(model, int8Activations);
}
