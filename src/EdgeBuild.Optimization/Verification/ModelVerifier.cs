using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Runtime;
using EdgeBuild.Optimization.Targets;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Verification;

/// <summary>Runs an original and a candidate model on the same samples and compares every float output.</summary>
public static class ModelVerifier
{
    /// <summary>Per-output comparison over <paramref name="samples"/>; <paramref name="progress"/> hears after each sample ("verifying 3/10 samples").</summary>
    public static IReadOnlyList<OutputComparison> Compare(byte[] original, byte[] candidate, SampleSource samples, TargetSettings? target = null,
        IProgress<ProgressEvent>? progress = null)
    {
        using var optionsA = Sessions.Options(null);
        using var optionsB = Sessions.Options(target);
        using var a = new InferenceSession(original, optionsA);
        using var b = new InferenceSession(candidate, optionsB);
        var outputs = a.OutputMetadata.Where(o => o.Value.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float).Select(o => o.Key).ToList();
        var missing = outputs.Where(o => !b.OutputMetadata.ContainsKey(o)).ToList();
        if (missing.Count > 0) throw new OptimizationInputException(DiagnosticCodes.InvalidModel, "candidate", $"the candidate lacks output(s) {string.Join(", ", missing)}", "Compare a model with its own optimized version");

        var comparisons = outputs.Select(o => new OutputComparison(o)).ToList();
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

        Report(progress, done, samples.Count);
        return comparisons;
    }

    private static void Report(IProgress<ProgressEvent>? progress, int done, int total) =>
        progress?.Report(new ProgressEvent(Planning.PlanStepIds.Verify, $"verifying {done}/{total} samples", done, total));
}
