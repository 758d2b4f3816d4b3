using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Calibration;

/// <summary>
/// Element types of the values of every graph of a model, bodies included, inferred from the declared ones (inputs,
/// outputs, value_info, initializers) by the few rules that decide them: most ops give their first input's type, some
/// a fixed or attribute-given one. A value whose type these rules cannot tell is left out (its caller then leaves the
/// value alone). ORT's saved models carry no value_info for intermediate values, so this cannot be read back from ORT.
/// </summary>
internal static class ValueTypes
{
    private static readonly HashSet<string> BooleanOps = ["Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf"];

    private static readonly HashSet<string> Int64Ops = ["Shape", "Size", "NonZero", "ArgMax", "ArgMin"];

    public static Dictionary<string, int> Of(GraphProto main)
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        Infer(main, types);
        return types;
    }

    private static void Infer(GraphProto graph, Dictionary<string, int> types)
    {
        foreach (var v in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            if (v.Type?.TensorType is { ElemType: > 0 } t) types.TryAdd(v.Name, t.ElemType);
        }

        foreach (var t in graph.Initializer) types.TryAdd(t.Name, t.DataType);
        foreach (var node in graph.Node)
        {
            foreach (var attr in node.Attribute)
            {
                if (attr.G is { } g) Infer(g, types);
                foreach (var sub in attr.Graphs) Infer(sub, types);
            }

            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i].Length == 0 || types.ContainsKey(node.Output[i])) continue;
                if (TypeOf(node, i, types) is { } type and > 0) types[node.Output[i]] = type;
            }
        }
    }

    private static int? TypeOf(NodeProto node, int output, Dictionary<string, int> types)
    {
        if (node.Domain.Length > 0 && node.Domain != "ai.onnx") return null;
        int? Input(int i) => i < node.Input.Count && types.TryGetValue(node.Input[i], out var t) ? t : null;
        int? BodyOutput(string attribute, int index) =>
            Attributes.Find(node, attribute)?.G is { } g && index < g.Output.Count && types.TryGetValue(g.Output[index].Name, out var t) ? t : null;
        return node.OpType switch
        {
            "Cast" => (int)Attributes.GetInt(node, "to", 0),
            "Constant" => Attributes.Find(node, "value")?.T?.DataType,
            "ConstantOfShape" => Attributes.Find(node, "value")?.T?.DataType ?? DType.Float,
            "DequantizeLinear" => DType.Float,
            "QuantizeLinear" => Input(2) ?? (int)TensorProto.Types.DataType.Uint8,
            "Where" => Input(1),
            "TopK" or "MaxPool" when output == 1 => DType.Int64,
            "If" => BodyOutput("then_branch", output),
            "Loop" => BodyOutput("body", output + 1),
            "Scan" => BodyOutput("body", output),
            _ when BooleanOps.Contains(node.OpType) => DType.Bool,
            _ when Int64Ops.Contains(node.OpType) => DType.Int64,
            _ => Input(0),
        };
    }
}
