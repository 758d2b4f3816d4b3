using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// The weights of the nodes the accuracy fallback computes wholly in float (its second resort) stored as int16 per output
/// channel, written as Cast→Mul like every float-read weight EdgeBuild writes (<see cref="CastMulWeight"/>: ONNX Runtime
/// folds it at load, so the op runs its float kernel on pre-packed weights, at float32's latency). Two bytes a weight where
/// float32 took four: the fallback's price for a sensitive layer is one byte over int8 instead of three. 16 bits round
/// 256 times finer than int8 (48 dB less noise), so what int8 ruined int16 keeps; the fallback still verifies every
/// attempt as written, and keeps exact float32 only when even int16 misses the budget.
/// </summary>
internal static class FloatNodeWeights
{
    /// <summary>
    /// Rewrites the float32 weights read only by <paramref name="floatNodes"/> (main graph and bodies) as int16; weights
    /// named in <paramref name="keepExact"/> (widened from float16: they go back to float16 exactly) stay as they are.
    /// </summary>
    public static void AsInt16(ModelProto model, IReadOnlyCollection<string> floatNodes, IReadOnlySet<string> keepExact)
    {
        if (floatNodes.Count == 0) return;
        DataFreeWeightCompression.Run(model, new DataFreeWeightCompression.Options(ExcludeTensors: keepExact, Int16Share: 1, OnlyNodes: floatNodes.ToHashSet(StringComparer.Ordinal)));
    }
}
