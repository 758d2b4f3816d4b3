using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Quantization;

namespace EdgeBuild.Optimization.Calibration;

/// <summary>
/// ORT returns only main-graph outputs, so a value inside an If/Loop/Scan body is calibrated by routing it out: it
/// becomes an extra output of its body and of the owning node, level by level up to the main graph. An If gets the value
/// from the branch that computes it and an empty tensor of the same element type from the other branch (a run that takes
/// the other branch then shows nothing for it: no range from values that were never computed). A Loop or Scan body gets
/// it as an extra scan output, which ORT stacks over the iterations (a leading axis; min/max do not care).
/// </summary>
internal static class BodyTaps
{
    /// <summary>Where a tapped value comes out: main-graph output <see cref="Output"/>; <see cref="Stacked"/> when a Loop/Scan added a leading iteration axis.</summary>
    public sealed record Tap(string Output, bool Stacked);

    /// <summary>
    /// Adds outputs to <paramref name="model"/> (a copy the caller owns) for every value of <paramref name="bodyValues"/>
    /// defined in exactly one body with a float element type in <paramref name="types"/>; the others are left out.
    /// </summary>
    public static Dictionary<string, Tap> Expose(ModelProto model, IEnumerable<string> bodyValues, IReadOnlyDictionary<string, int> types)
    {
        var bodies = ControlFlowBodies.All(model.Graph);
        var definedIn = new Dictionary<string, List<ControlFlowBodies.Body>>(StringComparer.Ordinal);
        foreach (var body in bodies)
        {
            foreach (var name in Defined(body.Graph)) (definedIn.TryGetValue(name, out var list) ? list : definedIn[name] = []).Add(body);
        }

        var parentOf = bodies.ToDictionary<ControlFlowBodies.Body, GraphProto, ControlFlowBodies.Body>(b => b.Graph, b => b, ReferenceEqualityComparer.Instance);
        var names = GraphScopes.Build(model.Graph);
        var taps = new Dictionary<string, Tap>(StringComparer.Ordinal);
        foreach (var value in bodyValues.Distinct(StringComparer.Ordinal))
        {
            if (!definedIn.TryGetValue(value, out var where) || where.Count != 1) continue;
            if (!types.TryGetValue(value, out var type) || type != DType.Float) continue;
            taps[value] = Lift(model.Graph, where[0], value, type, parentOf, names);
        }

        return taps;
    }

    private static Tap Lift(GraphProto main, ControlFlowBodies.Body body, string value, int type, Dictionary<GraphProto, ControlFlowBodies.Body> parentOf, GraphScopes names)
    {
        var stacked = false;
        var current = value;
        while (true)
        {
            var owner = body.Owner;
            body.Graph.Output.Add(Typed(current, type));
            if (owner.OpType == "If")
            {
                var other = owner.Attribute.First(a => a.G is not null && !ReferenceEquals(a.G, body.Graph)).G;
                var empty = names.UniqueName(value + "_none");
                other.Node.Add(EmptyTensor(empty, type));
                other.Output.Add(Typed(empty, type));
            }
            else
            {
                // Loop and Scan: appended body outputs are scan outputs, stacked per iteration.
                stacked = true;
                foreach (var attr in owner.Attribute.Where(a => a.Name is "scan_output_axes" or "scan_output_directions")) attr.Ints.Add(0);
            }

            current = names.UniqueName(value + "_tap");
            owner.Output.Add(current);
            if (ReferenceEquals(body.Parent, main))
            {
                main.Output.Add(Typed(current, type));
                return new Tap(current, stacked);
            }

            body = parentOf[body.Parent];
        }
    }

    private static IEnumerable<string> Defined(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0).Concat(graph.Input.Select(i => i.Name));

    private static ValueInfoProto Typed(string name, int type) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type } } };

    private static NodeProto EmptyTensor(string output, int type) => new()
    {
        OpType = "Constant",
        Output = { output },
        Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = new TensorProto { Name = output, DataType = type, Dims = { 0 } } } },
    };
}
