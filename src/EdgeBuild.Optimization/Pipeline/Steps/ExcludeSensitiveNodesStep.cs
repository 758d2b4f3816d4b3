using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Verification;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="ExcludeSensitiveNodesStep"/>.</summary>
/// <param name="MinSqnrDb">Every output the task metrics do not name: its SQNR against the reference must reach this.</param>
/// <param name="Accuracy">Task metrics per output (AccuracyMetrics syntax), or null.</param>
/// <param name="MaxAttempts">Cap on the fallback's attempts (item/CLI, else the profile's); see AccuracyFallback for how it settles.</param>
/// <param name="LatencyCost">After the search, hand back the float places that run the most MACs while the budget holds; the trade priced by ORT's profiler (FallbackLatencyCost).</param>
/// <param name="TimeBudgetSeconds">Seconds the fallback may spend (item/CLI, else the profile's); null: none, the count alone bounds it.</param>
public sealed record ExcludeSensitiveNodesSettings(double MinSqnrDb, string? Accuracy = null, int MaxAttempts = Profiles.PrecisionPlan.DefaultFallbackAttempts,
    double? TimeBudgetSeconds = null, bool LatencyCost = false);

/// <summary>
/// When the quantized model misses the budget, the accuracy fallback keeps the most damaging places in float until
/// every output meets it (<see cref="AccuracyFallback"/>), then drops activation pairs ORT fuses into no kernel.
/// A model that meets the budget at once is left as it is.
/// </summary>
internal sealed class ExcludeSensitiveNodesStep : PipelineStep<ExcludeSensitiveNodesSettings>
{
    public override string Id => PlanStepIds.ExcludeSensitiveNodes;

    protected override void Run(PipelineState state, ExcludeSensitiveNodesSettings settings)
    {
        var budget = AccuracyBudget.From(settings.MinSqnrDb, settings.Accuracy, state.Request.ModelPath);
        state.AccuracyBudget = budget;
        // The reference's outputs once for every comparison of this step (first check, fallback attempts, last check).
        var reference = state.ReferenceOutputs = ReferenceOutputs.Of(state.ReferenceBytes, state.Validation!);
        // Measured as written (FloatOpWeightsAsCastMul runs at the end): the final check must read what the fallback read.
        state.Accuracy = budget.CompareAsWritten(reference, state.Model, state.Validation!, state.Profile, state.Ranges, state.Request.Progress);
        budget.CheckOutputs(state.Accuracy.Select(a => a.Name).ToList(), state.Request.ModelPath);
        if (budget.Meets(state.Accuracy)) return;
        var (model, summary, accuracy) = AccuracyFallback.Run(state, budget, reference, settings.MaxAttempts, settings.TimeBudgetSeconds, settings.LatencyCost);
        (state.Model, state.QuantizationSummary, state.Accuracy) = WithoutUnfusedPairs(state, reference, model, summary, accuracy, budget);
    }

    /// <summary>
    /// The fallback leaves activation pairs whose neighbours went float; those ORT fuses into no integer kernel only
    /// round (<see cref="UnfusedActivationPairs"/>). Removed, verified again (dropping a rounding can only help, but the
    /// budget is checked, not assumed), and kept only if every output still meets it.
    /// </summary>
    private static (Onnx.Protos.ModelProto, QuantizationSummary, IReadOnlyList<OutputComparison>) WithoutUnfusedPairs(PipelineState state, ReferenceOutputs reference,
        Onnx.Protos.ModelProto attempt, QuantizationSummary summary, IReadOnlyList<OutputComparison> accuracy, AccuracyBudget budget)
    {
        var unfused = UnfusedActivationPairs.Find(Runtime.OrtOptimizedGraph.Of(attempt, state.Profile));
        if (unfused.Count == 0) return (attempt, summary, accuracy);
        var candidate = attempt.Clone();
        var removed = UnfusedActivationPairs.Remove(new OnnxGraph(candidate.Graph), unfused);
        if (removed.Count == 0) return (attempt, summary, accuracy);
        var candidateAccuracy = budget.CompareAsWritten(reference, candidate, state.Validation!, state.Profile, state.Ranges);
        if (!budget.Meets(candidateAccuracy))
        {
            state.Context.Notes.Add($"{removed.Count} activation Q/DQ pair(s) that ONNX Runtime fuses into no integer kernel kept: without them {budget.Worst(candidateAccuracy)}");
            return (attempt, summary, accuracy);
        }

        state.Context.Notes.Add($"{removed.Count} activation Q/DQ pair(s) that ONNX Runtime fuses into no integer kernel removed: {string.Join(", ", removed.Order(StringComparer.Ordinal))}");
        var activations = summary.Activations.Where(a => !removed.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        return (candidate, summary with { Activations = activations }, candidateAccuracy);
    }
}
