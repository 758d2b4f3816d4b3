using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Runtime;
using EdgeBuild.Optimization.Profiles;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Verification;

/// <summary>Runs an original and a candidate model on the same samples and compares every float output.</summary>
public static class ModelVerifier
{
    /// <param name="original">The reference model's bytes.</param>
    /// <param name="candidate">The model checked against it.</param>
    /// <param name="samples">Validation samples, each run through both.</param>
    /// <param name="target">The candidate runs with the target's ORT settings (null: defaults).</param>
    /// <param name="budget">Whose requirements' counts to collect (agreement@T, argmax(blank=K)); null: the legacy figures only.</param>
    /// <param name="fullScaleFloor">Per output, the signal floor from its calibrated range (<see cref="AccuracyBudget.SignalFloorOf"/>).</param>
    public static IReadOnlyList<OutputComparison> Compare(byte[] original, byte[] candidate, SampleSource samples, DeviceProfile? target = null,
        AccuracyBudget? budget = null, Func<string, double>? fullScaleFloor = null)
    {
        using var optionsA = Sessions.Options(null);
        using var optionsB = Sessions.Options(target);
        using var a = new InferenceSession(original, optionsA);
        using var b = new InferenceSession(candidate, optionsB);
        var outputs = a.OutputMetadata.Where(o => o.Value.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float).Select(o => o.Key).ToList();
        var missing = outputs.Where(o => !b.OutputMetadata.ContainsKey(o)).ToList();
        if (missing.Count > 0) throw new OptimizationInputException("EDGE0101", "candidate", $"the candidate lacks output(s) {string.Join(", ", missing)}", "Compare a model with its own optimized version");

        var comparisons = outputs.Select(o => new OutputComparison(o, budget?.For(o))).ToList();
        foreach (var sample in samples.Read())
        {
            using var ra = Sessions.Run(a, sample, outputs);
            using var rb = Sessions.Run(b, sample, outputs);
            for (var i = 0; i < outputs.Count; i++)
            {
                comparisons[i].Add(ra[i].GetTensorDataAsSpan<float>(), rb[i].GetTensorDataAsSpan<float>(), ra[i].GetTensorTypeAndShape().Shape);
            }
        }

        foreach (var c in comparisons) c.ApplySignalFloor(fullScaleFloor?.Invoke(c.Name) ?? 0);
        return comparisons;
    }
}
