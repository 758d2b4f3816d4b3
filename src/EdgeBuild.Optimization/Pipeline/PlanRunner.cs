using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline;

/// <summary>
/// Runs a plan's steps in order, each by its id through <see cref="StepRegistry"/>: the plan is the pipeline.
/// Records each step in the trace and its wall time for the report, and the steps themselves report progress where they take time (samples, attempts).
/// </summary>
internal static class PlanRunner
{
    public static void Run(OptimizationPlan plan, PipelineState state)
    {
        foreach (var step in plan.Steps)
        {
            StepRegistry.Get(step.Id).Run(state, step);
            state.ExecutedSteps.Add(step.Id);
            state.Clock.Mark(step.Id);
        }
    }
}
