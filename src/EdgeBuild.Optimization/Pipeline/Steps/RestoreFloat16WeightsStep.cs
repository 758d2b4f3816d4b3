using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// The other half of widen-float16: weights the source stored as float16 and the int8 passes left float go back to
/// float16 storage (<see cref="Float16Widening.NarrowBack"/>), so they cost what they cost in the source. Exact.
/// </summary>
internal sealed class RestoreFloat16WeightsStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.RestoreFloat16Weights;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        var (tensors, saved) = Float16Widening.NarrowBack(state.Model, state.WidenedFloat16);
        state.Context.Notes.Add(tensors > 0
            ? $"{tensors} weight(s) the source stored as float16 and that stayed float are float16 again (Cast to float at load), {Reporting.ByteSize.Format(saved)} saved"
            : "no weight the source stored as float16 stayed float32");
    }
}
