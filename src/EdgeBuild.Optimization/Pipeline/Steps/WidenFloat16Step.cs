using System.Globalization;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// A source that stores its weights as float16 becomes the same network in float32 (<see cref="Float16Widening"/>)
/// before any int8 pass, and that float32 model is the reference every later check compares against: its weights are
/// the source's exactly, only the float16 rounding between layers is gone.
/// </summary>
internal sealed class WidenFloat16Step : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.WidenFloat16;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        var summary = Float16Widening.Run(state.Model, state.Context);
        // Every later step runs this model: if ORT refuses it, say so here (EDGE0202), not as a bad sample or an internal error.
        SourceModelCheck.EnsureRuntimeAcceptsWidened(state.Model, state.Request.ModelPath);
        state.Reference = state.Model.Clone();
        state.WidenedFloat16 = summary.Initializers;
        state.Context.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"float16 source widened to float32: {summary.WidenedTensors} weight/constant tensor(s) ({summary.WidenedValues:N0} values, exact), {summary.Float32Names} named value(s) now float32 (weights included), "
            + $"{summary.CastsRemoved} Cast(s) removed{(summary.CastsAdded > 0 ? $", {summary.CastsAdded} added at float16 inputs/outputs" : "")}; accuracy is measured against this float32 model"));
    }
}
