using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// The one form EdgeBuild writes int8 weights in for ops computed in float: Mul(Cast(q, float), scale), the scale shaped to
/// broadcast against the weight. ONNX Runtime constant-folds Cast and Mul at load (its folding skips DequantizeLinear to
/// keep QDQ groups), so the float op gets a constant weight it can pre-pack: the latency of float32 at the size of int8.
/// Used by the calibrated fallback (<see cref="FloatOpWeightsAsCastMul"/>) and the data-free compression.
/// </summary>
internal static class CastMulWeight
{
    /// <summary>
    /// Inserts Cast(<paramref name="quantized"/> → float) as <paramref name="castOutput"/> and Mul(that, <paramref name="scale"/>)
    /// as <paramref name="output"/> at <paramref name="index"/> of <paramref name="graph"/>.
    /// </summary>
    public static void Insert(OnnxGraph graph, int index, string quantized, string scale, string castOutput, string output)
    {
        graph.InsertNode(index, new NodeProto { OpType = "Cast", Input = { quantized }, Output = { castOutput }, Attribute = { Attributes.Int("to", DType.Float) } });
        graph.InsertNode(index + 1, new NodeProto { OpType = "Mul", Input = { castOutput, scale }, Output = { output } });
    }

    /// <summary>
    /// Dims of a per-channel scale that broadcasts against a weight of <paramref name="weightDims"/>: the weight's size on the
    /// channel axes, 1 elsewhere, at the weight's rank. No channel axis: a scalar.
    /// </summary>
    public static long[] BroadcastDims(IReadOnlyList<long> weightDims, IReadOnlyCollection<int> channelAxes)
    {
        if (channelAxes.Count == 0) return [];
        return [.. weightDims.Select((d, i) => channelAxes.Contains(i) ? d : 1L)];
    }
}
