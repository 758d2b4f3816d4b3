using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline;

/// <summary>The implementation of one plan step id (<see cref="StepRegistry"/> maps ids to these).</summary>
internal interface IPipelineStep
{
    string Id { get; }

    /// <summary>Runs the step as planned: <paramref name="step"/> carries its settings and reason.</summary>
    void Run(PipelineState state, PlanStep step);
}

/// <summary>
/// A step with typed settings: the planner writes a <typeparamref name="TSettings"/> record into the plan
/// (<see cref="PlanStep.Create{TSettings}"/>) and the step reads the same record back, so what `--explain` prints
/// is exactly what the step receives.
/// </summary>
internal abstract class PipelineStep<TSettings> : IPipelineStep where TSettings : class
{
    public abstract string Id { get; }

    public void Run(PipelineState state, PlanStep step) => Run(state, step.Read<TSettings>());

    protected abstract void Run(PipelineState state, TSettings settings);
}

/// <summary>Settings of a step that has none.</summary>
public sealed record NoSettings
{
    public static NoSettings Instance { get; } = new();
}
