using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization.Operators;

/// <summary>Add, Mul → QLinearAdd/QLinearMul: both inputs (constants too, per tensor) and the output.</summary>
public sealed class BinaryQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph) =>
        node.Input.Count == 2 ? new NodeQuantization { ActivationInputs = [0, 1] } : null;
}

/// <summary>Concat → QLinearConcat: every input and the output.</summary>
public sealed class ConcatQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph) =>
        new() { ActivationInputs = Enumerable.Range(0, node.Input.Count).ToList() };
}

/// <summary>GlobalAveragePool, AveragePool, Sigmoid, LeakyRelu, Softmax → their QLinear kernels: input and output.</summary>
public sealed class UnaryQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph) => new() { ActivationInputs = [0] };
}

/// <summary>Ops that move or select values (Reshape, Transpose, MaxPool, Resize ...): ORT runs them on int8 when input and output share parameters.</summary>
public sealed class PassThroughQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph) =>
        new() { ActivationInputs = [0], OutputSharesInputParams = true };
}

/// <summary>
/// Relu and Clip: when the producer is quantized and feeds only this node, the clamp folds into the producer's
/// output quantization (ORT removes it). Otherwise they are treated as pass-through of a quantized tensor.
/// </summary>
public sealed class ClampQuantizer : IOperatorQuantizer
{
    public NodeQuantization? Plan(NodeProto node, OnnxGraph graph)
    {
        if (node.OpType == "Clip" && node.Input.Skip(1).Any(i => i.Length > 0 && !graph.IsConstant(i))) return null;
        var producer = graph.Producer(node.Input[0]);
        var foldable = producer is not null && graph.Consumers(node.Input[0]).Count == 1 && !graph.IsGraphOutput(node.Input[0]);
        return foldable
            ? new NodeQuantization { FoldsIntoProducer = true }
            : new NodeQuantization { ActivationInputs = [0] };
    }
}
