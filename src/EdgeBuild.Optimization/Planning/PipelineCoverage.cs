namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// Plan steps the optimize pipeline does not run yet. The planner states what the device needs; until the
/// pipeline catches up, `--explain` and the report must say which steps are only planned, not pretend.
/// </summary>
internal static class PipelineCoverage
{
    private static readonly string[] NotRunYet = [PlanStepIds.OrtOfflineOptimize];

    public static OptimizationPlan Annotate(OptimizationPlan plan) => plan with
    {
        Warnings =
        [
            .. plan.Warnings,
            .. plan.Steps.Where(s => NotRunYet.Contains(s.Id))
                .Select(s => $"step '{s.Id}' is planned but not run by this version of the pipeline; the device's online optimization still applies"),
        ],
    };
}
