using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="CheckBudgetsStep"/>: the profile's limits and the dims memory is estimated at.</summary>
public sealed record CheckBudgetsSettings(string Dims, bool FailOnBudget, long? MaxModelBytes, long? MaxPeakMemoryBytes);

/// <summary>Estimates peak memory at the declared dims and checks size and memory against the profile (<see cref="BudgetReview"/>).</summary>
internal sealed class CheckBudgetsStep : PipelineStep<CheckBudgetsSettings>
{
    public override string Id => PlanStepIds.CheckBudgets;

    protected override void Run(PipelineState state, CheckBudgetsSettings settings)
    {
        var limits = state.Profile with { Budgets = new Profiles.ProfileBudgets { MaxModelBytes = settings.MaxModelBytes, MaxPeakMemoryBytes = settings.MaxPeakMemoryBytes } };
        state.Budget = BudgetReview.Run(limits, state.Model, state.Request.OutputPath, state.OptimizedBytes, state.Request.Dims, settings.FailOnBudget);
        if (state.Budget.Note is not null) state.Context.Notes.Add(state.Budget.Note);
    }
}
