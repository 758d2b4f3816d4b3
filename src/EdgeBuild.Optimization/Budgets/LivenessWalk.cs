using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>
/// Peak of simultaneously live activations when the graph runs node by node in its (topological)
/// order: an intermediate value is live from the step that produces it through its last consumer;
/// graph inputs and outputs are live for the whole run, because the caller owns those buffers (the
/// generated wrapper preallocates them). At each step the node's inputs and outputs are live
/// together, as a kernel reads the one while writing the other. Initializers and Constant node
/// outputs are not activations: ONNX Runtime turns Constants into initializers when it loads a model.
/// A kernel's own scratch memory (<see cref="KernelWorkspace"/>, e.g. Conv's im2col buffer) counts
/// at its step; threads is the intra-op thread count, for per-thread scratch.
/// </summary>
public static class LivenessWalk
{
    public static ActivationPeak Run(GraphProto graph, IReadOnlyDictionary<string, ValueSize> sizes, int threads = 1)
    {
        var nodes = graph.Node;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var end = nodes.Count;
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var name in ConsumedNames(nodes[i])) lastUse[name] = i;
        }

        foreach (var output in graph.Output) lastUse[output.Name] = end;
        foreach (var input in graph.Input) lastUse[input.Name] = end;

        long Size(string name) => sizes.TryGetValue(name, out var s) ? s.Bytes : 0;
        var initializerShapes = graph.Initializer.ToDictionary(i => i.Name, i => (IReadOnlyList<long>)[.. i.Dims], StringComparer.Ordinal);

        var live = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
            live[input.Name] = Size(input.Name);
        foreach (var output in graph.Output.Where(o => !live.ContainsKey(o.Name)))
            live[output.Name] = Size(output.Name);
        long current = live.Values.Sum();
        var peak = new ActivationPeak(current, -1, null, [.. live.Keys], 0);

        for (var i = 0; i < nodes.Count; i++)
        {
            if (IsConstant(nodes[i])) continue;
            foreach (var output in nodes[i].Output)
            {
                if (output.Length == 0 || live.ContainsKey(output)) continue;
                var bytes = Size(output);
                live[output] = bytes;
                current += bytes;
            }

            var workspace = KernelWorkspace.Bytes(nodes[i], sizes, initializerShapes, threads);
            if (current + workspace > peak.Bytes)
                peak = new ActivationPeak(current + workspace, i, NodeLabel(nodes[i], i), [.. live.OrderByDescending(kv => kv.Value).Select(kv => kv.Key)], workspace);

            foreach (var name in live.Keys.Where(n => !lastUse.TryGetValue(n, out var last) || last <= i).ToList())
            {
                current -= live[name];
                live.Remove(name);
            }
        }

        return peak;
    }

    public static bool IsConstant(NodeProto node) => node.OpType == "Constant" && NodeKind.IsStandard(node);

    /// <summary>Node inputs plus values read inside its subgraphs (If/Loop bodies), which stay live until the node ends.</summary>
    private static IEnumerable<string> ConsumedNames(NodeProto node)
    {
        foreach (var input in node.Input)
            if (input.Length > 0) yield return input;
        foreach (var attribute in node.Attribute)
        {
            var graphs = attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G);
            foreach (var subgraph in graphs)
            foreach (var name in subgraph.Node.SelectMany(ConsumedNames))
                yield return name;
        }
    }

    private static string NodeLabel(NodeProto node, int index) =>
        node.Name.Length > 0 ? $"{node.Name} ({node.OpType})" : $"#{index} ({node.OpType})";
}

/// <summary>The largest live set: its bytes (with the kernel's scratch), the node at which it occurs, the live values (largest first).</summary>
public sealed record ActivationPeak(long Bytes, int NodeIndex, string? Node, IReadOnlyList<string> LiveValues, long WorkspaceBytes);
