using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization.Operators;

/// <summary>Gemm → QGemm: constant B quantized per output column (axis 0 when transB), C as int32 bias.</summary>
public sealed class GemmQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph)
    {
        if (!graph.IsConstant(node.Input[1]) || graph.Initializer(node.Input[1])!.Dims.Count != 2) return null;
        if (Attributes.GetInt(node, "transA", 0) != 0) return null;
        var axis = Attributes.GetInt(node, "transB", 0) != 0 ? 0 : 1;
        var hasBias = node.Input.Count > 2 && node.Input[2].Length > 0 && graph.IsConstant(node.Input[2])
            && Attributes.GetFloat(node, "beta", 1f) == 1f && graph.Initializer(node.Input[2])!.Dims.Count == 1;
        return new NodeQuantization
        {
            ActivationInputs = [0],
            Weights = [(1, axis)],
            Bias = hasBias ? (2, 0, 1) : null,
        };
    }
}
