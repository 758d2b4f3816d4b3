using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization.Operators;

/// <summary>
/// What quantizing one node means, as decided by its operator's quantizer: which inputs are activations
/// (get a shared Q→DQ pair), which are weights (int8 initializer + DQ, per channel along an axis), which is
/// a bias (int32 with scale s_input·s_weight), and how the output is treated.
/// </summary>
public sealed record NodeQuantization
{
    public IReadOnlyList<int> ActivationInputs { get; init; } = [];

    public IReadOnlyList<(int Input, int Axis)> Weights { get; init; } = [];

    /// <summary>Bias input index, with the activation and weight inputs whose scales multiply to the bias scale.</summary>
    public (int Input, int ActivationInput, int WeightInput)? Bias { get; init; }

    /// <summary>The output gets a Q→DQ pair, so ORT can fuse DQ→op→Q into an integer kernel.</summary>
    public bool QuantizeOutput { get; init; } = true;

    /// <summary>The op only moves values (Reshape, MaxPool, Resize ...): its output reuses its input's parameters, which lets ORT drop the pair.</summary>
    public bool OutputSharesInputParams { get; init; }

    /// <summary>
    /// Relu/Clip right after a quantized producer: the producer's output gets no pair of its own; this node's
    /// output range (starting at the clamp's lower bound) lets ORT remove the clamp into the Q and fuse the producer.
    /// </summary>
    public bool FoldsIntoProducer { get; init; }
}

/// <summary>Decides how one operator kind is quantized. Registered per op type in <see cref="OperatorQuantizers"/>.</summary>
public interface IOperatorQuantizer
{
    /// <summary>The plan for this node, or null when this node cannot be quantized (unsupported attributes, non-float inputs).</summary>
    NodeQuantization? Plan(NodeProto node, OnnxGraph graph);
}
