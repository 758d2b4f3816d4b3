using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline;

/// <summary>
/// Runs a plan's steps in order, each by its id through <see cref="StepRegistry"/>: the plan is the pipeline.
/// Records each step in the trace and its wall time for the report, and tells the progress listener which step starts.
/// </summary>
internal static class PlanRunner
{
    public static void Run(OptimizationPlan plan, PipelineState state)
    {
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            state.Report(step.Id, $"step {i + 1} of {plan.Steps.Count}", i, plan.Steps.Count);
            StepRegistry.Get(step.Id).Run(state, step);
            state.ExecutedSteps.Add(step.Id);
            state.Clock.Mark(step.Id);
        }
    }
}
