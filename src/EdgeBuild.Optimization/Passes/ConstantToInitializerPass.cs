using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Replaces Constant nodes by initializers, so later passes (folding, quantization) see one kind of
/// constant. Constants that are graph outputs stay nodes: an output must be produced by a node.
/// </summary>
public sealed class ConstantToInitializerPass : IGraphPass
{
    public string Name => "constant-to-initializer";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var changes = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Constant" && NodeKind.IsStandard(n)).ToList())
        {
            var output = node.Output[0];
            if (graph.IsGraphOutput(output) || graph.IsInitializer(output)) continue;
            var tensor = ToTensor(node);
            if (tensor is null) continue;

            tensor.Name = output;
            graph.RemoveNode(node);
            graph.AddInitializer(tensor);
            changes++;
        }

        return changes;
    }

    private static TensorProto? ToTensor(NodeProto node)
    {
        if (node.Attribute.Count != 1) return null;
        var a = node.Attribute[0];
        return a.Name switch
        {
            "value" => a.T.Clone(),
            "value_float" => Tensors.FromFloats("", [a.F]),
            "value_floats" => Tensors.FromFloats("", a.Floats.ToArray(), a.Floats.Count),
            "value_int" => Tensors.FromInt64s("", [a.I]),
            "value_ints" => Tensors.FromInt64s("", a.Ints.ToArray(), a.Ints.Count),
            _ => null, // strings and sparse values stay Constant nodes
        };
    }
}
