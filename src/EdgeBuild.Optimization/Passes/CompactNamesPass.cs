using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Renames internal values and initializers to the shortest ids available ("0"…"Z", then "00"…), the most
/// referenced values first, so every name costs as few bytes as it can. Graph inputs and outputs keep their
/// names (they are the model's signature) and so do node names (reports and --exclude-nodes refer to them).
/// For small quantized models, hundreds of long exporter names on Q/DQ nodes otherwise weigh more than the
/// int8 weights. Deterministic: ties keep the order of first use in topological order.
/// </summary>
public sealed class CompactNamesPass : IGraphPass
{
    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public string Name => "compact-names";

    public int Run(OnnxGraph graph, PassContext context)
    {
        // Subgraphs read outer values by name; renaming those is safe through OnnxGraph, but keep it simple.
        if (graph.Nodes.Any(NodeKind.HasSubgraphs)) return 0;

        var keep = graph.Proto.Input.Select(i => i.Name).Concat(graph.Proto.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var order = new List<string>();
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in graph.TopologicalOrder())
        {
            foreach (var value in node.Input.Concat(node.Output))
            {
                if (value.Length == 0 || keep.Contains(value)) continue;
                if (!uses.TryAdd(value, 1)) uses[value]++;
                else order.Add(value);
            }
        }

        // An initializer's own name is one more occurrence of it in the file.
        foreach (var init in graph.Initializers)
        {
            if (uses.ContainsKey(init.Name)) uses[init.Name]++;
        }

        var ranked = order.OrderByDescending(v => uses[v]).ToList(); // stable: ties stay in order of first use
        var temporary = ranked.Select((v, i) => (Old: v, Temp: $"\u0001tmp{i}")).ToList();
        foreach (var (old, temp) in temporary) graph.RenameValue(old, temp);
        var next = 0;
        foreach (var (_, temp) in temporary)
        {
            string name;
            do name = ShortId(next++);
            while (keep.Contains(name));
            graph.RenameValue(temp, name);
        }

        graph.Proto.ValueInfo.Clear();
        return temporary.Count;
    }

    /// <summary>Bijective base 62: 0 → "0", 61 → "Z", 62 → "00", so every length is used in full before the next.</summary>
    private static string ShortId(int index)
    {
        var chars = new Stack<char>();
        for (var n = index + 1; n > 0; n = (n - 1) / Digits.Length) chars.Push(Digits[(n - 1) % Digits.Length]);
        return new string([.. chars]);
    }
}
