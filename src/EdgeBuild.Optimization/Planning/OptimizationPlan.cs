using System.Text;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// What the pipeline will do to one model for one profile, in order, and why. Built by
/// <see cref="OptimizationPlanner"/>; printed by `optimize --explain`; recorded in the report.
/// </summary>
public sealed record OptimizationPlan
{
    public required string Target { get; init; }

    /// <summary>The precision after resolving "auto" against the profile.</summary>
    public required Precision Precision { get; init; }

    public required IReadOnlyList<PlanStep> Steps { get; init; }

    /// <summary>Things the user should know before running it (fp16 unaccelerated, no calibration data...).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public PlanStep? Find(string stepId) => Steps.FirstOrDefault(s => s.Id == stepId);

    public bool Contains(string stepId) => Find(stepId) is not null;

    /// <summary>The plan as people read it: numbered steps, each with its reason and settings.</summary>
    public string Explain()
    {
        var text = new StringBuilder();
        text.Append($"Plan for target '{Target}', precision {PlanValue.Of(Precision)}:\n");
        for (var i = 0; i < Steps.Count; i++)
        {
            var step = Steps[i];
            text.Append($"  {i + 1}. {step.Id}\n");
            text.Append($"     why: {step.Reason}\n");
            foreach (var (key, value) in step.Settings) text.Append($"     {key} = {value}\n");
        }

        foreach (var warning in Warnings) text.Append($"  warning: {warning}\n");
        return text.ToString();
    }

    public bool Equals(OptimizationPlan? other) =>
        other is not null && Target == other.Target && Precision == other.Precision
        && Steps.SequenceEqual(other.Steps) && Warnings.SequenceEqual(other.Warnings);

    public override int GetHashCode() => HashCode.Combine(Target, Precision, Steps.Count);
}
