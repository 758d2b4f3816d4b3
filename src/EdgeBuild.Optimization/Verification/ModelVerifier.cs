using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Runtime;
using EdgeBuild.Optimization.Profiles;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Verification;

/// <summary>Runs an original and a candidate model on the same samples and compares every float output.</summary>
public static class ModelVerifier
{
    /// <summary>Per-output comparison over <paramref name="samples"/>; <paramref name="progress"/> hears after each sample ("verifying 3/10 samples").</summary>
    /// <param name="original">The reference model's bytes.</param>
    /// <param name="candidate">The model checked against it.</param>
    /// <param name="samples">Validation samples, each run through both.</param>
    /// <param name="target">The candidate runs with the target's ORT settings (null: defaults).</param>
    /// <param name="progress">Hears after each sample, or null.</param>
    /// <param name="budget">Whose requirements' counts to collect (agreement@T, argmax(blank=K)); null: the legacy figures only.</param>
    /// <param name="fullScaleFloor">Per output, the signal floor from its calibrated range (<see cref="AccuracyBudget.SignalFloorOf"/>).</param>
    public static IReadOnlyList<OutputComparison> Compare(byte[] original, byte[] candidate, SampleSource samples, DeviceProfile? target = null,
        IProgress<ProgressEvent>? progress = null, AccuracyBudget? budget = null, Func<string, double>? fullScaleFloor = null)
    {
        using var optionsA = Sessions.Options(null);
        using var optionsB = Sessions.Options(target);
        using var a = new InferenceSession(original, optionsA);
        using var b = new InferenceSession(candidate, optionsB);
        var outputs = FloatOutputs(a);
        var comparisons = Start(outputs, b, budget);
        var done = 0;
        foreach (var sample in samples.Read())
        {
            Report(progress, done++, samples.Count);
            using var ra = Sessions.Run(a, sample, outputs);
            using var rb = Sessions.Run(b, sample, outputs);
            for (var i = 0; i < outputs.Count; i++)
            {
                comparisons[i].Add(ra[i].GetTensorDataAsSpan<float>(), rb[i].GetTensorDataAsSpan<float>(), ra[i].GetTensorTypeAndShape().Shape);
            }
        }

        return Finish(comparisons, progress, done, samples.Count, fullScaleFloor);
    }

    /// <summary>The same comparison against reference outputs computed once (<see cref="ReferenceOutputs"/>): same figures, half the runs.</summary>
    /// <param name="reference">The reference model's outputs on exactly <paramref name="samples"/>, in order.</param>
    /// <param name="candidate">The model checked against it.</param>
    /// <param name="samples">The samples the reference outputs were computed on.</param>
    /// <param name="target">The candidate runs with the target's ORT settings (null: defaults).</param>
    /// <param name="progress">Hears after each sample, or null.</param>
    /// <param name="budget">Whose requirements' counts to collect; null: the legacy figures only.</param>
    /// <param name="fullScaleFloor">Per output, the signal floor from its calibrated range.</param>
    public static IReadOnlyList<OutputComparison> Compare(ReferenceOutputs reference, byte[] candidate, SampleSource samples, DeviceProfile? target = null,
        IProgress<ProgressEvent>? progress = null, AccuracyBudget? budget = null, Func<string, double>? fullScaleFloor = null)
    {
        if (reference.Samples != samples.Count)
            throw new InvalidOperationException($"the reference outputs hold {reference.Samples} samples, the comparison reads {samples.Count}");
        using var optionsB = Sessions.Options(target);
        using var b = new InferenceSession(candidate, optionsB);
        var outputs = reference.Names;
        var comparisons = Start(outputs, b, budget);
        var done = 0;
        foreach (var sample in samples.Read())
        {
            Report(progress, done, samples.Count);
            using var rb = Sessions.Run(b, sample, outputs);
            for (var i = 0; i < outputs.Count; i++)
            {
                var (values, shape) = reference.Get(done, i);
                comparisons[i].Add(values, rb[i].GetTensorDataAsSpan<float>(), shape);
            }

            done++;
        }

        return Finish(comparisons, progress, done, samples.Count, fullScaleFloor);
    }

    internal static IReadOnlyList<string> FloatOutputs(InferenceSession reference) =>
        reference.OutputMetadata.Where(o => o.Value.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float).Select(o => o.Key).ToList();

    private static List<OutputComparison> Start(IReadOnlyList<string> outputs, InferenceSession candidate, AccuracyBudget? budget)
    {
        var missing = outputs.Where(o => !candidate.OutputMetadata.ContainsKey(o)).ToList();
        if (missing.Count > 0) throw new OptimizationInputException(DiagnosticCodes.InvalidModel, "candidate", $"the candidate lacks output(s) {string.Join(", ", missing)}", "Compare a model with its own optimized version");
        return outputs.Select(o => new OutputComparison(o, budget?.For(o))).ToList();
    }

    private static IReadOnlyList<OutputComparison> Finish(List<OutputComparison> comparisons, IProgress<ProgressEvent>? progress, int done, int total, Func<string, double>? fullScaleFloor)
    {
        foreach (var c in comparisons) c.ApplySignalFloor(fullScaleFloor?.Invoke(c.Name) ?? 0);
        Report(progress, done, total);
        return comparisons;
    }

    private static void Report(IProgress<ProgressEvent>? progress, int done, int total) =>
        progress?.Report(new ProgressEvent(Planning.PlanStepIds.Verify, $"verifying {done}/{total} samples", done, total));
}
