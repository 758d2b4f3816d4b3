using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization.Operators;

/// <summary>Conv → QLinearConv: activation input, per-output-channel weights (axis 0), int32 bias.</summary>
public sealed class ConvQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph)
    {
        if (node.Input.Count < 2 || !graph.IsConstant(node.Input[1])) return null;
        return new NodeQuantization
        {
            ActivationInputs = [0],
            Weights = [(1, 0)],
            Bias = node.Input.Count > 2 && node.Input[2].Length > 0 && graph.IsConstant(node.Input[2]) ? (2, 0, 1) : null,
        };
    }
}
