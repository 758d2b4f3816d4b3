using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization.Operators;

/// <summary>MatMul → QLinearMatMul: a constant 2-D right side is a weight quantized per column; otherwise both sides are activations.</summary>
public sealed class MatMulQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph)
    {
        var b = graph.Initializer(node.Input[1]);
        if (b is not null && graph.IsConstant(node.Input[1]) && b.Dims.Count == 2)
            return new NodeQuantization { ActivationInputs = [0], Weights = [(1, 1)] };
        return new NodeQuantization { ActivationInputs = [0, 1] };
    }
}
