using EdgeBuild.Optimization.Pipeline.Steps;

namespace EdgeBuild.Optimization.Pipeline;

/// <summary>
/// The one table from plan step id to implementation. A new pass = one step class, one line here, one planner rule
/// (docs/contracts.md §5). An id without an implementation is a bug in the planner, never a skipped step.
/// </summary>
internal static class StepRegistry
{
    private static readonly IReadOnlyDictionary<string, IPipelineStep> Steps = new IPipelineStep[]
    {
        new CleanupStep(),
        new WidenFloat16Step(),
        new SynthesizeInputsStep(),
        new FoldAndFuseStep(),
        new CompressWeightsInt8Step(),
        new CorrectWeightBiasStep(),
        new CalibrateStep(),
        new QuantizeQdqStep(),
        new ExcludeSensitiveNodesStep(),
        new CompressRemainingWeightsStep(),
        new MeasureLayerErrorStep(),
        new WeightsAsCastMulStep(),
        new QuantizeDynamicInt8Step(),
        new ConvertFp16Step(),
        new QuantizeInt4WeightsStep(),
        new RestoreFloat16WeightsStep(),
        new CompactEncodingStep(),
        new VerifyStep(),
        new CheckSyntheticStep(),
        new WriteModelStep(),
        new ReviewResultStep(),
        new CheckBudgetsStep(),
    }.ToDictionary(s => s.Id, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Ids => (IReadOnlyCollection<string>)Steps.Keys;

    public static IPipelineStep Get(string id) =>
        Steps.TryGetValue(id, out var step) ? step : throw new NotSupportedException($"plan step '{id}' has no implementation in this version of EdgeBuild");
}
