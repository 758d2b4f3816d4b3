using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Replaces the exported hard-swish chain x·Clip(x + 3, 0, 6)/6 (Add, Clip, Mul, then Div by 6 or Mul by 1/6)
/// with one HardSwish node (opset 14). Quantized, the chain needs four Q/DQ pairs and three QLinear kernels
/// per block; HardSwish needs none inside (it runs in float between its input's DQ and its output's Q), which
/// removes three roundings per block and most of the time PP-OCR models spend in Clip/Add/Mul.
/// Raises the default-domain opset to 14 when it fuses anything (13 → 14 changes no op this graph keeps).
/// </summary>
public sealed class HardSwishFusionPass : IGraphPass
{
    public const long HardSwishOpset = 14;

    public string Name => "hardswish-fusion";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var opset = context.Model.OpsetImport.FirstOrDefault(o => NodeKind.IsStandardDomain(o.Domain));
        if (opset is null || opset.Version < HardSwishOpset - 1) return 0;
        var changes = 0;
        foreach (var add in graph.TopologicalOrder().Where(n => n.OpType == "Add").ToList())
        {
            if (TryFuse(graph, add)) changes++;
        }

        if (changes > 0 && opset.Version < HardSwishOpset) opset.Version = HardSwishOpset;
        return changes;
    }

    private static bool TryFuse(OnnxGraph graph, NodeProto add)
    {
        if (!NodeKind.IsStandard(add) || add.Input.Count != 2) return false;
        var addConstant = ScalarIndex(graph, add, 3f);
        if (addConstant < 0) return false;
        var x = add.Input[1 - addConstant];
        if (!Single(graph, add.Output[0], out var clip) || clip.OpType != "Clip" || !NodeKind.IsStandard(clip)) return false;
        if (clip.Input.Count != 3 || !IsScalar(graph, clip.Input[1], 0f) || !IsScalar(graph, clip.Input[2], 6f)) return false;
        if (!Single(graph, clip.Output[0], out var mul) || mul.OpType != "Mul" || !NodeKind.IsStandard(mul) || mul.Input.Count != 2) return false;
        var other = mul.Input[0] == clip.Output[0] ? mul.Input[1] : mul.Input[0];
        if (other != x) return false;
        if (!Single(graph, mul.Output[0], out var scale) || !NodeKind.IsStandard(scale) || scale.Input.Count != 2 || scale.Input[0] != mul.Output[0]) return false;
        var isDivBy6 = scale.OpType == "Div" && IsScalar(graph, scale.Input[1], 6f);
        var isMulBySixth = scale.OpType == "Mul" && IsScalar(graph, scale.Input[1], 1f / 6f, tolerance: 1e-6f);
        if (!isDivBy6 && !isMulBySixth) return false;

        var output = scale.Output[0];
        var index = graph.IndexOf(add);
        foreach (var n in new[] { scale, mul, clip, add }) graph.RemoveNode(n);
        graph.InsertNode(Math.Min(index, graph.Nodes.Count), new NodeProto
        {
            Name = graph.UniqueName((scale.Name.Length > 0 ? scale.Name : output) + "_hardswish"),
            OpType = "HardSwish",
            Input = { x },
            Output = { output },
        });
        return true;
    }


    /// <summary>The one reader of <paramref name="value"/>, when it has exactly one and is not a graph output.</summary>
    private static bool Single(OnnxGraph graph, string value, out NodeProto consumer)
    {
        var consumers = graph.Consumers(value);
        consumer = consumers.Count == 1 ? consumers[0] : null!;
        return consumers.Count == 1 && !graph.IsGraphOutput(value);
    }

    private static int ScalarIndex(OnnxGraph graph, NodeProto node, float value) =>
        IsScalar(graph, node.Input[1], value) ? 1 : IsScalar(graph, node.Input[0], value) ? 0 : -1;

    private static bool IsScalar(OnnxGraph graph, string name, float value, float tolerance = 0f)
    {
        if (name.Length == 0 || !graph.IsConstant(name)) return false;
        var t = graph.Initializer(name)!;
        if (t.DataType != DType.Float || Tensors.ElementCount(t) != 1) return false;
        return Math.Abs(Tensors.ToFloatArray(t)[0] - value) <= tolerance;
    }
}
