using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Element type of every value in a graph, propagated from inputs and initializers through the nodes in
/// topological order. Precision passes need it to know which values carry float data (and so change type)
/// and which carry shapes, indices or masks. Declared value_info wins; otherwise a small table of ops whose
/// output type is not their first input's; every other op is taken to output its first input's type.
/// </summary>
internal static class ElementTypes
{
    public static Dictionary<string, int> Infer(OnnxGraph graph)
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in graph.Proto.Input) types[v.Name] = v.Type?.TensorType?.ElemType ?? 0;
        foreach (var t in graph.Initializers) types[t.Name] = t.DataType;
        foreach (var node in graph.TopologicalOrder())
        {
            for (var i = 0; i < node.Output.Count; i++)
            {
                var output = node.Output[i];
                if (output.Length == 0) continue;
                var declared = graph.ElementTypeOf(output);
                types[output] = declared != 0 ? declared : OutputType(node, i, types);
            }
        }

        return types;
    }

    private static int BodyOutputType(NodeProto node, string attribute, int index) =>
        Attributes.Find(node, attribute)?.G is { } body && index < body.Output.Count ? body.Output[index].Type?.TensorType?.ElemType ?? 0 : 0;

    private static int OutputType(NodeProto node, int output, IReadOnlyDictionary<string, int> types)
    {
        int In(int i) => i < node.Input.Count && types.TryGetValue(node.Input[i], out var t) ? t : 0;
        if (!NodeKind.IsStandard(node)) return In(0);
        return node.OpType switch
        {
            "Shape" or "Size" or "NonZero" or "ArgMax" or "ArgMin" => DType.Int64,
            "Equal" or "Less" or "LessOrEqual" or "Greater" or "GreaterOrEqual" or "And" or "Or" or "Xor" or "Not" or "IsNaN" or "IsInf" => DType.Bool,
            "Cast" => (int)Attributes.GetInt(node, "to", 0),
            "CastLike" => In(1),
            "ConstantOfShape" => Attributes.Find(node, "value")?.T?.DataType ?? DType.Float,
            "Constant" => Attributes.Find(node, "value")?.T?.DataType ?? DType.Float,
            "EyeLike" or "RandomNormalLike" or "RandomUniformLike" => Attributes.Find(node, "dtype") is { } d ? (int)d.I : In(0),
            "RandomNormal" or "RandomUniform" => (int)Attributes.GetInt(node, "dtype", DType.Float),
            "Where" => In(1),
            "DequantizeLinear" => DType.Float,
            "QuantizeLinear" => node.Input.Count > 2 ? In(2) : DType.Uint8,
            "TopK" when output == 1 => DType.Int64,
            "MaxPool" when output == 1 => DType.Int64,
            "Dropout" when output == 1 => DType.Bool,
            "Unique" when output > 0 => DType.Int64,
            "NonMaxSuppression" => DType.Int64,
            // Control flow: the body's output type (Loop's body also outputs the condition first).
            "If" => BodyOutputType(node, "then_branch", output),
            "Loop" => BodyOutputType(node, "body", output + 1),
            "Scan" => BodyOutputType(node, "body", output),
            _ => In(0),
        };
    }
}
