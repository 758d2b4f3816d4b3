using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Graph;

/// <summary>
/// Control-flow nodes (If, Loop, Scan) carry subgraphs that may read values of the enclosing graph by
/// name without listing them as inputs. Passes must see those reads, or they would delete a value a
/// branch still needs.
/// </summary>
internal static class SubgraphScope
{
    /// <summary>Names a node's subgraphs read from the enclosing scope, sorted for determinism.</summary>
    public static string[] OuterScopeReads(NodeProto node)
    {
        if (node.Attribute.Count == 0) return [];
        var reads = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var attr in node.Attribute)
        {
            if (attr.G is { } g) Collect(g, reads);
            foreach (var sub in attr.Graphs) Collect(sub, reads);
        }

        return [.. reads];
    }

    /// <summary>Renames reads of an outer value inside a subgraph, unless the subgraph defines that name itself.</summary>
    public static void RenameOuterRead(GraphProto graph, string oldName, string newName)
    {
        if (Defines(graph, oldName)) return;
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == oldName) node.Input[i] = newName;
            }

            foreach (var attr in node.Attribute)
            {
                if (attr.G is { } g) RenameOuterRead(g, oldName, newName);
                foreach (var sub in attr.Graphs) RenameOuterRead(sub, oldName, newName);
            }
        }

        foreach (var output in graph.Output)
        {
            if (output.Name == oldName) output.Name = newName;
        }
    }

    private static void Collect(GraphProto graph, SortedSet<string> reads)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in graph.Input) defined.Add(i.Name);
        foreach (var t in graph.Initializer) defined.Add(t.Name);
        foreach (var n in graph.Node)
        {
            foreach (var o in n.Output) defined.Add(o);
        }

        foreach (var n in graph.Node)
        {
            foreach (var input in n.Input)
            {
                if (input.Length > 0 && !defined.Contains(input)) reads.Add(input);
            }

            foreach (var attr in n.Attribute)
            {
                var nested = new SortedSet<string>(StringComparer.Ordinal);
                if (attr.G is { } g) Collect(g, nested);
                foreach (var sub in attr.Graphs) Collect(sub, nested);
                foreach (var name in nested)
                {
                    if (!defined.Contains(name)) reads.Add(name);
                }
            }
        }

        foreach (var o in graph.Output)
        {
            if (!defined.Contains(o.Name)) reads.Add(o.Name);
        }
    }

    private static bool Defines(GraphProto graph, string name) =>
        graph.Input.Any(i => i.Name == name)
        || graph.Initializer.Any(t => t.Name == name)
        || graph.Node.Any(n => n.Output.Contains(name));
}
