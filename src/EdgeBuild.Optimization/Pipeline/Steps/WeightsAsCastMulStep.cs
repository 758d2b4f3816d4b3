using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Quantization;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// int8 weights read only by float ops (the fallback's float-activation nodes) as Cast→Mul instead of
/// DequantizeLinear: ORT constant-folds those at load and pre-packs the weights, where it never folds DQ. Exact (the
/// values are bit-identical); after the fallback, since EdgeBuild's own constant folding would undo it.
/// </summary>
internal sealed class WeightsAsCastMulStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.WeightsAsCastMul;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        var rewritten = FloatOpWeightsAsCastMul.RunAll(state.Model);
        if (rewritten > 0) state.Context.Notes.Add($"{rewritten} int8 weight(s) read only by float ops written as Cast→Mul instead of DequantizeLinear, so ONNX Runtime folds them at load and pre-packs the weights");
    }
}
