using System.Globalization;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Verification;

/// <summary>What the check without data found: per output, how far the optimized model is from the original on made-up inputs.</summary>
public sealed record SyntheticCheckResult(bool Passed, IReadOnlyList<OutputComparison> Outputs, IReadOnlyList<string> NonFiniteOutputs, string Message);

/// <summary>
/// The check that runs when the user gave no validation data: the original and the optimized model on
/// <see cref="SyntheticSamples"/>, every float output compared. It fails a model that breaks (NaN or infinity where the
/// original is finite, or an output below <see cref="WildlyDifferentDb"/>), and says plainly that its figure is a synthetic
/// check, not an accuracy measurement: made-up inputs exercise the graph, not the task.
/// </summary>
public static class SyntheticCheck
{
    /// <summary>Below this SQNR an output is "wildly different" (an error of a third of the signal's amplitude).</summary>
    public const double WildlyDifferentDb = 10;

    public static SyntheticCheckResult Run(byte[] original, byte[] candidate, IReadOnlyList<Sample> samples, double minSqnrDb = WildlyDifferentDb)
    {
        using var optionsA = Sessions.Options(null);
        using var optionsB = Sessions.Options(null);
        using var a = new InferenceSession(original, optionsA);
        using var b = new InferenceSession(candidate, optionsB);
        var outputs = a.OutputMetadata.Where(o => o.Value.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float && b.OutputMetadata.ContainsKey(o.Key)).Select(o => o.Key).ToList();
        var comparisons = outputs.Select(o => new OutputComparison(o)).ToList();
        var nonFinite = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            using var ra = Sessions.Run(a, sample, outputs);
            using var rb = Sessions.Run(b, sample, outputs);
            for (var i = 0; i < outputs.Count; i++)
            {
                var reference = ra[i].GetTensorDataAsSpan<float>();
                var actual = rb[i].GetTensorDataAsSpan<float>();
                for (var k = 0; k < Math.Min(reference.Length, actual.Length); k++)
                {
                    if (float.IsFinite(reference[k]) && !float.IsFinite(actual[k]))
                    {
                        nonFinite.Add(outputs[i]);
                        break;
                    }
                }

                comparisons[i].Add(reference, actual, ra[i].GetTensorTypeAndShape().Shape);
            }
        }

        var low = comparisons.Where(c => c.SqnrDb < minSqnrDb).ToList();
        var passed = nonFinite.Count == 0 && low.Count == 0;
        var figures = string.Join(", ", comparisons.Select(c => $"{c.Name} {Db(c.SqnrDb)}"));
        var message = $"synthetic check on {samples.Count} made-up input(s) (not an accuracy measurement; give ValidationData for one): {figures}"
            + (nonFinite.Count > 0 ? $"; NaN/infinity in {string.Join(", ", nonFinite)} where the original is finite" : "")
            + (low.Count > 0 ? $"; below {minSqnrDb.ToString(CultureInfo.InvariantCulture)} dB: {string.Join(", ", low.Select(c => c.Name))}" : "");
        return new SyntheticCheckResult(passed, comparisons, [.. nonFinite], message);
    }

    private static string Db(double db) => double.IsPositiveInfinity(db) ? "identical" : db.ToString("F1", CultureInfo.InvariantCulture) + " dB";
}
