using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Removes the activation QuantizeLinear→DequantizeLinear pairs that ONNX Runtime fuses into no integer kernel: in
/// ORT's own optimized graph of the model their Q is still there and feeds nothing but DequantizeLinear, i.e. neither
/// the op before the pair nor any op after it runs on the integer tensor. Such a pair only rounds (accuracy) and, in
/// front of a float Conv, keeps its weights a run-time DequantizeLinear output. Left by the accuracy fallback when a
/// pair's neighbours went float; measured on the PP-OCR detector at 30 dB (480×640): 5 such pairs, removing them
/// lifts the probability map from 30.22 to 30.70 dB (worst image 29.71 → 30.22). Pairs ORT does fuse are kept.
/// </summary>
internal static class UnfusedActivationPairs
{
    /// <summary>
    /// Activation tensors whose Q survives in <paramref name="ortGraph"/> with only DequantizeLinear readers (for a Q
    /// after a Relu/Clip, ORT's graph names the clamp's input: see <see cref="ClampedFrom"/>).
    /// </summary>
    public static HashSet<string> Find(GraphProto ortGraph)
    {
        var ort = new OnnxGraph(ortGraph);
        return ort.Nodes
            .Where(q => q.OpType == "QuantizeLinear" && NodeKind.IsStandard(q) && !ort.IsInitializer(q.Input[0]) && !ort.IsGraphOutput(q.Output[0]))
            .Where(q => ort.Consumers(q.Output[0]) is { Count: > 0 } readers && readers.All(r => r.OpType == "DequantizeLinear" && NodeKind.IsStandard(r)))
            .Select(q => q.Input[0])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Removes the pairs on <paramref name="tensors"/>: readers of the dequantized copy read the tensor itself.
    /// Only pairs whose Q feeds nothing but DequantizeLinear nodes here too, none of them writing a graph output.
    /// Returns the tensors whose pair went.
    /// </summary>
    public static List<string> Remove(OnnxGraph graph, IReadOnlySet<string> tensors)
    {
        var removed = new List<string>();
        foreach (var q in graph.Nodes.Where(n => n.OpType == "QuantizeLinear" && (tensors.Contains(n.Input[0]) || ClampedFrom(graph, n.Input[0]) is { } x && tensors.Contains(x))).ToList())
        {
            if (graph.IsGraphOutput(q.Output[0]) || graph.Consumers(q.Output[0]) is not { Count: > 0 } readers) continue;
            if (!readers.All(r => r.OpType == "DequantizeLinear" && !graph.IsGraphOutput(r.Output[0]))) continue;
            var parameters = q.Input.Skip(1).Concat(readers.SelectMany(r => r.Input.Skip(1))).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            foreach (var dq in readers.ToList())
            {
                graph.ReplaceAllUses(dq.Output[0], q.Input[0]);
                graph.RemoveNode(dq);
            }

            graph.RemoveNode(q);
            // Scales and zero points nothing reads any more (a bias scale Mul may still read the input scale).
            foreach (var p in parameters.Where(p => graph.IsInitializer(p) && graph.Consumers(p).Count == 0 && !graph.IsGraphOutput(p))) graph.RemoveInitializer(p);
            removed.Add(q.Input[0]);
        }

        return removed;
    }

    /// <summary>
    /// The input of the Relu/Clip producing <paramref name="tensor"/>: ORT removes a Relu or Clip in front of a Q (its
    /// range already clamps), so in ORT's graph that Q reads the clamp's input. Null when the clamp's input has a Q of
    /// its own here: ORT's Q on that name could then be either.
    /// </summary>
    private static string? ClampedFrom(OnnxGraph graph, string tensor) =>
        graph.Producer(tensor) is { OpType: "Relu" or "Clip" } clamp && !graph.Consumers(clamp.Input[0]).Any(c => c.OpType == "QuantizeLinear") ? clamp.Input[0] : null;
}
