using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// The constants of a model across its control flow: every float weight defined in the main graph or in an If/Loop/Scan body
/// (as an initializer or a Constant node), and every node that reads it, resolved by ONNX's lexical scoping (a body reads an
/// enclosing graph's value by name; an inner definition shadows an outer one). Also the set of every name used anywhere, so
/// values added in one body never collide with a name in another.
/// </summary>
internal sealed class GraphScopes
{
    /// <summary>A constant: an initializer (<see cref="ConstantNode"/> null) or a Constant node's value, in <see cref="Graph"/>.</summary>
    public sealed record Definition(GraphProto Graph, string Name, TensorProto Tensor, NodeProto? ConstantNode, int Depth);

    /// <summary>Node <see cref="Node"/> (in <see cref="Graph"/>) reads the constant as its input <see cref="Input"/>; a null node: the graph's output is the constant itself.</summary>
    public sealed record Read(GraphProto Graph, NodeProto? Node, int Input);

    private readonly List<Definition> _definitions = [];
    private readonly Dictionary<Definition, List<Read>> _reads = new(ReferenceEqualityComparer.Instance);

    private GraphScopes()
    {
    }

    /// <summary>Constants in a deterministic order: main graph first, then bodies depth-first, each in stored order.</summary>
    public IReadOnlyList<Definition> Definitions => _definitions;

    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<Read> ReadsOf(Definition definition) => _reads.TryGetValue(definition, out var list) ? list : [];

    public static GraphScopes Build(GraphProto main)
    {
        var scopes = new GraphScopes();
        scopes.Walk(main, [], depth: 0);
        return scopes;
    }

    /// <summary>A name not used anywhere in the model, based on <paramref name="hint"/>; reserved once returned.</summary>
    public string UniqueName(string hint)
    {
        if (Names.Add(hint)) return hint;
        for (var i = 1; ; i++)
        {
            if (Names.Add($"{hint}_{i}")) return $"{hint}_{i}";
        }
    }

    private void Walk(GraphProto graph, List<Dictionary<string, Definition?>> outer, int depth)
    {
        // null: defined here but not a constant (an input, a node output), which shadows any outer constant of that name.
        var local = new Dictionary<string, Definition?>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) local[t.Name] = Add(new Definition(graph, t.Name, t, null, depth));
        foreach (var i in graph.Input) local[i.Name] = null; // an initializer that is also an input is overridable: not a constant
        foreach (var node in graph.Node)
        {
            var value = node.OpType == "Constant" && node.Domain.Length == 0 && node.Output.Count == 1
                ? node.Attribute.FirstOrDefault(a => a.Name == "value" && a.T is not null)?.T
                : null;
            foreach (var o in node.Output) local[o] = value is not null ? Add(new Definition(graph, o, value, node, depth)) : null;
        }

        Collect(graph);
        var scope = new List<Dictionary<string, Definition?>>(outer) { local };
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i].Length > 0 && Resolve(scope, node.Input[i]) is { } definition)
                    (_reads.TryGetValue(definition, out var list) ? list : _reads[definition] = []).Add(new Read(graph, node, i));
            }

            foreach (var attr in node.Attribute)
            {
                if (attr.G is { } g) Walk(g, scope, depth + 1);
                foreach (var sub in attr.Graphs) Walk(sub, scope, depth + 1);
            }
        }

        foreach (var output in graph.Output)
        {
            if (Resolve(scope, output.Name) is { } definition)
                (_reads.TryGetValue(definition, out var list) ? list : _reads[definition] = []).Add(new Read(graph, null, -1));
        }
    }

    private Definition Add(Definition definition)
    {
        _definitions.Add(definition);
        return definition;
    }

    private static Definition? Resolve(List<Dictionary<string, Definition?>> scope, string name)
    {
        for (var i = scope.Count - 1; i >= 0; i--)
        {
            if (scope[i].TryGetValue(name, out var definition)) return definition;
        }

        return null;
    }

    private void Collect(GraphProto graph)
    {
        foreach (var v in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo)) Names.Add(v.Name);
        foreach (var t in graph.Initializer) Names.Add(t.Name);
        foreach (var n in graph.Node)
        {
            foreach (var o in n.Output) Names.Add(o);
            if (n.Name.Length > 0) Names.Add(n.Name);
        }
    }
}
