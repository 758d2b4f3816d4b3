using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Div by a float constant becomes Mul by its reciprocal before quantization: ORT has an integer kernel for
/// Mul (QLinearMul) but none for Div, and hard-swish chains (x·clip(x+3, 0, 6)/6) are full of these.
/// Not bit-exact (x/6 vs x·(1/6) differ in the last ulp), so this runs only when quantizing.
/// </summary>
public sealed class DivisionByConstantPass : IGraphPass
{
    public string Name => "division-to-multiplication";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var changes = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Div" && NodeKind.IsStandard(n)).ToList())
        {
            var divisor = graph.IsConstant(node.Input[1]) ? graph.Initializer(node.Input[1]) : null;
            if (divisor is null || divisor.DataType != DType.Float) continue;
            var values = Tensors.ToFloatArray(divisor);
            if (values.Any(v => v == 0 || !float.IsFinite(v))) continue;

            var name = graph.UniqueName(node.Input[1] + "_reciprocal");
            graph.AddInitializer(Tensors.FromFloats(name, values.Select(v => 1f / v).ToArray(), [.. divisor.Dims]));
            node.OpType = "Mul";
            graph.SetInput(node, 1, name);
            changes++;
        }

        return changes;
    }
}
