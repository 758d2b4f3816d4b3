using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Raises the default-domain opset to 13, the first with per-channel QuantizeLinear/DequantizeLinear.
/// Ops whose signature changed on the way are rewritten (attributes that became inputs); ops whose
/// meaning changed in a way we cannot rewrite make the upgrade refuse with NotSupportedException.
/// </summary>
public static class OpsetUpgrade
{
    public const long QdqOpset = 13;

    /// <summary>Ops whose semantics changed between opset 7 and 13 and that have no rewrite here.</summary>
    private static readonly HashSet<string> Unsupported = ["Upsample", "Scatter", "TopK", "Resize"];

    public static void To13(ModelProto model, OnnxGraph graph)
    {
        var opset = model.OpsetImport.FirstOrDefault(o => NodeKind.IsStandardDomain(o.Domain));
        if (opset is null || opset.Version >= QdqOpset) return;
        var from = opset.Version;

        foreach (var node in graph.Nodes.ToList())
        {
            if (!NodeKind.IsStandard(node)) continue;
            switch (node.OpType)
            {
                case "Clip" when from < 11:
                    AttributesToInputs(graph, node, ("min", float.MinValue), ("max", float.MaxValue));
                    break;
                case "Slice" when from < 10:
                    SliceToInputs(graph, node);
                    break;
                case "Squeeze" or "Unsqueeze" or "ReduceSum" when Attributes.Find(node, "axes") is { } axes:
                    MoveIntsToInput(graph, node, axes, 1);
                    break;
                case "Split" when Attributes.Find(node, "split") is { } split:
                    MoveIntsToInput(graph, node, split, 1);
                    break;
                case "Softmax" or "LogSoftmax" or "Hardmax" when !HasLastAxis(graph, node):
                    FlattenAroundSoftmax(graph, node);
                    break;
                case "Dropout":
                    node.OpType = "Identity";
                    node.Attribute.Clear();
                    while (node.Output.Count > 1) node.Output.RemoveAt(node.Output.Count - 1);
                    while (node.Input.Count > 1) node.Input.RemoveAt(node.Input.Count - 1);
                    break;
                case "Pad" when from < 11:
                    PadToInputs(graph, node);
                    break;
                case "BatchNormalization":
                    node.Attribute.Remove(Attributes.Find(node, "spatial") ?? new AttributeProto());
                    break;
                case var op when Unsupported.Contains(op) && from < 11:
                    throw new NotSupportedException($"node '{node.Name}' ({op}) is from opset {from}; upgrading it to opset 13 for per-channel quantization is not supported");
            }
        }

        opset.Version = QdqOpset;
        if (model.IrVersion < 7) model.IrVersion = 7;
    }

    private static bool HasLastAxis(OnnxGraph graph, NodeProto node)
    {
        var axis = Attributes.GetInt(node, "axis", 1);
        if (axis == -1) return true;
        var rank = graph.ValueInfo(node.Input[0])?.Type?.TensorType?.Shape?.Dim.Count;
        // The classifier heads we see are [N, classes] with axis 1: same result in both opsets.
        return rank is { } r ? axis == r - 1 : axis == 1 && graph.Producer(node.Input[0]) is { OpType: "MatMul" or "Gemm" };
    }

    /// <summary>
    /// Before opset 13 these ops normalized over all axes from `axis` on (input coerced to 2-D). The same
    /// computation in opset 13: Flatten(axis) → op(axis = 1) → Reshape back to the input's shape.
    /// </summary>
    private static void FlattenAroundSoftmax(OnnxGraph graph, NodeProto node)
    {
        var axis = Attributes.GetInt(node, "axis", 1);
        var input = node.Input[0];
        var output = node.Output[0];
        var shape = graph.UniqueName(node.Name + "_input_shape");
        var flat = graph.UniqueName(node.Name + "_flattened");
        var normalized = graph.UniqueName(node.Name + "_normalized");
        var index = graph.IndexOf(node);
        graph.RemoveNode(node);
        graph.InsertNode(index, new NodeProto { Name = graph.UniqueName(node.Name + "_Shape"), OpType = "Shape", Input = { input }, Output = { shape } });
        graph.InsertNode(index + 1, new NodeProto { Name = graph.UniqueName(node.Name + "_Flatten"), OpType = "Flatten", Input = { input }, Output = { flat }, Attribute = { Attributes.Int("axis", axis) } });
        node.Input[0] = flat;
        node.Output[0] = normalized;
        Attributes.Set(node, Attributes.Int("axis", 1));
        graph.InsertNode(index + 2, node);
        graph.InsertNode(index + 3, new NodeProto { Name = graph.UniqueName(node.Name + "_Reshape"), OpType = "Reshape", Input = { normalized, shape }, Output = { output } });
    }

    private static void AttributesToInputs(OnnxGraph graph, NodeProto node, params (string Name, float Default)[] attributes)
    {
        foreach (var (name, defaultValue) in attributes)
        {
            var a = Attributes.Find(node, name);
            var value = a?.F ?? defaultValue;
            if (a is not null) node.Attribute.Remove(a);
            var tensorName = graph.UniqueName($"{node.Name}_{name}");
            graph.AddInitializer(Tensors.FromFloats(tensorName, [value]));
            node.Input.Add(tensorName);
        }

        Reindex(graph, node);
    }

    private static void SliceToInputs(OnnxGraph graph, NodeProto node)
    {
        var names = new List<string>();
        foreach (var attr in new[] { "starts", "ends", "axes" })
        {
            var a = Attributes.Find(node, attr);
            if (a is null) continue;
            var tensorName = graph.UniqueName($"{node.Name}_{attr}");
            graph.AddInitializer(Tensors.FromInt64s(tensorName, a.Ints.ToArray(), a.Ints.Count));
            node.Attribute.Remove(a);
            names.Add(tensorName);
        }

        node.Input.AddRange(names);
        Reindex(graph, node);
    }

    private static void PadToInputs(OnnxGraph graph, NodeProto node)
    {
        var pads = Attributes.Find(node, "pads") ?? Attributes.Find(node, "paddings");
        var value = Attributes.Find(node, "value");
        var padsName = graph.UniqueName($"{node.Name}_pads");
        graph.AddInitializer(Tensors.FromInt64s(padsName, pads?.Ints.ToArray() ?? [], pads?.Ints.Count ?? 0));
        node.Input.Add(padsName);
        if (value is not null)
        {
            var valueName = graph.UniqueName($"{node.Name}_value");
            graph.AddInitializer(Tensors.FromFloats(valueName, [value.F]));
            node.Input.Add(valueName);
        }

        if (pads is not null) node.Attribute.Remove(pads);
        if (value is not null) node.Attribute.Remove(value);
        Reindex(graph, node);
    }

    private static void MoveIntsToInput(OnnxGraph graph, NodeProto node, AttributeProto attribute, int inputIndex)
    {
        var tensorName = graph.UniqueName($"{node.Name}_{attribute.Name}");
        graph.AddInitializer(Tensors.FromInt64s(tensorName, attribute.Ints.ToArray(), attribute.Ints.Count));
        node.Attribute.Remove(attribute);
        while (node.Input.Count < inputIndex) node.Input.Add("");
        node.Input.Insert(inputIndex, tensorName);
        Reindex(graph, node);
    }

    /// <summary>Inputs were appended directly; re-register the node so consumer lookups see them.</summary>
    private static void Reindex(OnnxGraph graph, NodeProto node)
    {
        var index = graph.IndexOf(node);
        graph.RemoveNode(node);
        graph.InsertNode(index, node);
    }
}
