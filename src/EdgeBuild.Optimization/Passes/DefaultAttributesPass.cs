using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Drops attributes that only restate what ONNX assumes when they are absent: a Conv's unit strides and dilations,
/// zero pads, group 1 and a kernel_shape equal to its weight's spatial dims ("if not present, inferred from W"),
/// HardSigmoid's alpha 0.2 / beta 0.5, Gemm's alpha/beta 1 and no transposes. Only defaults that no opset has
/// changed are listed, so the result means the same under any opset the node can have. Exporters write them all
/// out; in a small quantized model they are ~2 % of the file (the PP-OCR classifier: 53 Convs, ~4.8 KB).
/// </summary>
public sealed class DefaultAttributesPass : IGraphPass
{
    public string Name => "default-attributes";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var changes = 0;
        foreach (var node in graph.Nodes)
        {
            if (!NodeKind.IsStandard(node)) continue;
            for (var i = node.Attribute.Count - 1; i >= 0; i--)
            {
                if (!IsDefault(graph, node, node.Attribute[i])) continue;
                node.Attribute.RemoveAt(i);
                changes++;
            }
        }

        return changes;
    }

    private static bool IsDefault(OnnxGraph graph, NodeProto node, AttributeProto a) => (node.OpType, a.Name) switch
    {
        ("Conv" or "ConvTranspose", "strides" or "dilations") => IsInts(a) && a.Ints.All(v => v == 1),
        ("Conv" or "ConvTranspose", "pads") => IsInts(a) && a.Ints.All(v => v == 0),
        ("ConvTranspose", "output_padding") => IsInts(a) && a.Ints.All(v => v == 0),
        ("Conv" or "ConvTranspose", "group") => IsInt(a, 1),
        ("Conv" or "ConvTranspose", "auto_pad") => a.Type == AttributeProto.Types.AttributeType.String && a.S.ToStringUtf8() == "NOTSET",
        ("Conv" or "ConvTranspose", "kernel_shape") => IsInts(a) && WeightSpatialDims(graph, node) is { } dims && a.Ints.SequenceEqual(dims),
        ("HardSigmoid", "alpha") => IsFloat(a, 0.2f),
        ("HardSigmoid", "beta") => IsFloat(a, 0.5f),
        ("Gemm", "alpha" or "beta") => IsFloat(a, 1f),
        ("Gemm", "transA" or "transB") => IsInt(a, 0),
        _ => false,
    };

    private static bool IsInts(AttributeProto a) => a.Type == AttributeProto.Types.AttributeType.Ints;

    private static bool IsInt(AttributeProto a, long value) => a.Type == AttributeProto.Types.AttributeType.Int && a.I == value;

    private static bool IsFloat(AttributeProto a, float value) => a.Type == AttributeProto.Types.AttributeType.Float && a.F == value;

    /// <summary>The weight's dims after the first two, from its initializer or the int8 initializer behind its DequantizeLinear.</summary>
    private static IEnumerable<long>? WeightSpatialDims(OnnxGraph graph, NodeProto node)
    {
        if (node.Input.Count < 2) return null;
        var weight = graph.Initializer(node.Input[1]);
        if (weight is null && graph.Producer(node.Input[1]) is { OpType: "DequantizeLinear" } dq) weight = graph.Initializer(dq.Input[0]);
        return weight is { Dims.Count: > 2 } ? weight.Dims.Skip(2) : null;
    }
}
