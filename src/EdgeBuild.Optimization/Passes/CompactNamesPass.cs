using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Renames internal values and initializers to short ids ("v1a", in order of first use). Graph inputs and
/// outputs keep their names (they are the model's signature) and so do node names (reports and
/// --exclude-nodes refer to them). For small quantized models, hundreds of long exporter names on Q/DQ
/// nodes otherwise weigh more than the int8 weights.
/// </summary>
public sealed class CompactNamesPass : IGraphPass
{
    public string Name => "compact-names";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var keep = graph.Proto.Input.Select(i => i.Name).Concat(graph.Proto.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.TopologicalOrder())
        {
            foreach (var value in node.Input.Concat(node.Output))
            {
                if (value.Length > 0 && !keep.Contains(value) && seen.Add(value)) order.Add(value);
            }
        }

        // Subgraphs read outer values by name; renaming those is safe through OnnxGraph, but keep it simple.
        if (graph.Nodes.Any(n => n.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))) return 0;

        var temporary = order.Select((v, i) => (Old: v, Temp: $"\u0001tmp{i}")).ToList();
        foreach (var (old, temp) in temporary) graph.RenameValue(old, temp);
        var changes = 0;
        for (var i = 0; i < temporary.Count; i++)
        {
            var name = "v" + ToBase36(i);
            while (keep.Contains(name)) name = "_" + name;
            graph.RenameValue(temporary[i].Temp, name);
            changes++;
        }

        graph.Proto.ValueInfo.Clear();
        return changes;
    }

    private static string ToBase36(int value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value == 0) return "0";
        var chars = new Stack<char>();
        while (value > 0)
        {
            chars.Push(digits[value % 36]);
            value /= 36;
        }

        return new string([.. chars]);
    }
}
