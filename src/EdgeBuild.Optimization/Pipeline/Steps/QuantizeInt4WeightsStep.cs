using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="QuantizeInt4WeightsStep"/>.</summary>
/// <param name="BlockSize">Block size along K: a power of two ≥ 16 (smaller is more accurate, larger is smaller).</param>
/// <param name="Symmetric">Symmetric blocks (no zero points).</param>
/// <param name="ExcludeNodes">Nodes kept in float as asked.</param>
public sealed record QuantizeInt4WeightsSettings(int BlockSize, bool Symmetric, IReadOnlyList<string> ExcludeNodes);

/// <summary>Block-wise int4 weight-only MatMul/Gemm as MatMulNBits (<see cref="Int4MatMulQuantizer"/>); everything else stays float.</summary>
internal sealed class QuantizeInt4WeightsStep : PipelineStep<QuantizeInt4WeightsSettings>
{
    public override string Id => PlanStepIds.QuantizeInt4Weights;

    protected override void Run(PipelineState state, QuantizeInt4WeightsSettings settings)
    {
        var converted = Int4MatMulQuantizer.Run(state.Model, state.Context, settings.BlockSize, settings.Symmetric, settings.ExcludeNodes.ToHashSet(StringComparer.Ordinal));
        if (converted == 0) state.Context.Notes.Add("int4: the model has no MatMul with a constant 2-D weight; it is unchanged apart from cleanup (int4 is for MatMul-heavy models, use int8 for CNNs)");
    }
}
