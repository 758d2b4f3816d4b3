using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Linear ops whose output reaches a Log through elementwise and layout ops only: spectrogram front-ends (an STFT Conv or a
/// mel MatMul, then magnitude, then log). Their weights get float16 instead of int8 in the data-free plan: an int8 DFT basis
/// is no longer orthogonal, so a strong bin leaks into the weak ones, and the log turns that small absolute error into a
/// large one. Measured on Silero VAD legacy (speech probability vs float32 on real speech): STFT basis int8 29.5 dB at
/// 0.291×, float32 44.4 dB at 0.508×, float16: see docs/optimization.md. A rule from the graph alone, so it needs no data.
/// </summary>
internal sealed class LogCompressedOutputs
{
    private const int MaxDepth = 8;

    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal)
    {
        "Slice", "Pow", "Add", "Sub", "Mul", "Div", "Sqrt", "Abs", "Max", "Clip", "Reshape", "Transpose", "Squeeze",
        "Unsqueeze", "Concat", "ReduceSum", "MatMul", "Identity", "Cast",
    };

    private readonly Dictionary<GraphProto, Dictionary<string, List<NodeProto>>> _consumers = new(ReferenceEqualityComparer.Instance);

    /// <summary>True when <paramref name="node"/>'s output reaches a Log in <paramref name="graph"/> within a few pass-through ops.</summary>
    public bool FeedsLog(GraphProto graph, NodeProto node)
    {
        var consumers = Consumers(graph);
        var frontier = new List<NodeProto> { node };
        var seen = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance) { node };
        for (var depth = 0; depth < MaxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<NodeProto>();
            foreach (var n in frontier)
            {
                foreach (var output in n.Output)
                {
                    foreach (var reader in consumers.GetValueOrDefault(output) ?? [])
                    {
                        if (reader.OpType == "Log") return true;
                        if (PassThrough.Contains(reader.OpType) && seen.Add(reader)) next.Add(reader);
                    }
                }
            }

            frontier = next;
        }

        return false;
    }

    private Dictionary<string, List<NodeProto>> Consumers(GraphProto graph)
    {
        if (_consumers.TryGetValue(graph, out var map)) return map;
        map = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
        {
            foreach (var i in n.Input)
            {
                if (i.Length > 0) (map.TryGetValue(i, out var list) ? list : map[i] = []).Add(n);
            }
        }

        return _consumers[graph] = map;
    }
}
