using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Exact graph cleanup (<see cref="CleanupPipeline"/>); the cleaned model becomes the reference every check compares against.</summary>
internal sealed class CleanupStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.Cleanup;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        state.PassRewrites = CleanupPipeline.Run(new OnnxGraph(state.Model.Graph), state.Context);
        state.Reference = state.Model.Clone();
    }
}
