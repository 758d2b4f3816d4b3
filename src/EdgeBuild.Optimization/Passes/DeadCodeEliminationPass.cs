using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Passes;

/// <summary>Removes nodes that no graph output depends on, then initializers nothing reads.</summary>
public sealed class DeadCodeEliminationPass : IGraphPass
{
    public string Name => "dead-code-elimination";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(graph.Proto.Output.Select(o => o.Name));
        while (pending.TryPop(out var value))
        {
            if (!live.Add(value)) continue;
            if (graph.Producer(value) is { } producer)
            {
                foreach (var input in graph.InputsOf(producer)) pending.Push(input);
            }
        }

        var changes = 0;
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.Output.Any(live.Contains)) continue;
            graph.RemoveNode(node);
            changes++;
        }

        foreach (var init in graph.Initializers.Select(t => t.Name).ToList())
        {
            if (graph.Consumers(init).Count > 0 || graph.IsGraphOutput(init)) continue;
            graph.RemoveInitializer(init);
            changes++;
        }

        graph.RemoveStaleValueInfo();
        return changes;
    }
}
