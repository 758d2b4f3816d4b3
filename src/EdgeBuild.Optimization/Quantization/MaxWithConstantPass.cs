using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Max(x, c) with c a one-element float constant becomes Clip(x, min = c) before quantization. The two are the same
/// function, but ORT has no integer kernel for Max while a Clip after a quantized op folds into that op's output
/// quantization (<see cref="Operators.ClampQuantizer"/>): TF-exported nets spell "leaky relu floored at c" as
/// LeakyRelu → Max (openWakeWord's embedding model: 19 of them), which otherwise leaves every activation in float.
/// Only when c's rank does not exceed x's known rank, so broadcasting cannot change the output shape.
/// </summary>
public sealed class MaxWithConstantPass : IGraphPass
{
    public string Name => "max-with-constant-to-clip";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var changes = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Max" && NodeKind.IsStandard(n) && n.Input.Count == 2).ToList())
        {
            var constantIndex = graph.IsConstant(node.Input[1]) ? 1 : graph.IsConstant(node.Input[0]) ? 0 : -1;
            if (constantIndex < 0 || graph.IsConstant(node.Input[1 - constantIndex])) continue;
            var floor = graph.Initializer(node.Input[constantIndex])!;
            if (floor.DataType != DType.Float || Tensors.ElementCount(floor) != 1) continue;
            var x = node.Input[1 - constantIndex];
            if (floor.Dims.Count > 0 && !(Rank(graph, x) >= floor.Dims.Count)) continue;
            var value = Tensors.ToFloatArray(floor)[0];
            if (float.IsNaN(value)) continue;

            var min = graph.UniqueName(node.Input[constantIndex] + "_clip_min");
            graph.AddInitializer(Tensors.Scalar(min, value)); // rank 0: Clip's min
            node.OpType = "Clip";
            graph.SetInput(node, 0, x);
            graph.SetInput(node, 1, min);
            changes++;
        }

        return changes;
    }

    private static readonly HashSet<string> RankPreserving = new(StringComparer.Ordinal)
        { "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Identity", "BatchNormalization" };

    /// <summary>The rank of <paramref name="value"/> from its value info, or from a Conv (its weight's rank) behind rank-preserving ops.</summary>
    private static int? Rank(OnnxGraph graph, string value, int depth = 0)
    {
        if (graph.ValueInfo(value)?.Type?.TensorType?.Shape is { } shape) return shape.Dim.Count;
        var producer = graph.Producer(value);
        if (producer is null || depth > 8) return null;
        if (producer.OpType is "Conv" or "ConvTranspose" && graph.Initializer(producer.Input[1]) is { } weight) return weight.Dims.Count;
        return RankPreserving.Contains(producer.OpType) ? Rank(graph, producer.Input[0], depth + 1) : null;
    }
}
