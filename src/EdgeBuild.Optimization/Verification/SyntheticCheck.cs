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

    public static SyntheticCheckResult Run(byte[] original, byte[] candidate, IReadOnlyList<Sample> samples, double minSqnrDb = WildlyDifferentDb) =>
        Run(ReferenceOutputs.Of(original, samples), candidate, samples, minSqnrDb);

    /// <summary>Against the original's outputs computed once: a search checks many candidates on the same made-up samples.</summary>
    public static SyntheticCheckResult Run(ReferenceOutputs reference, byte[] candidate, IReadOnlyList<Sample> samples, double minSqnrDb = WildlyDifferentDb)
    {
        using var options = Sessions.Options(null);
        using var b = new InferenceSession(candidate, options);
        var outputs = reference.Names.Select((name, index) => (name, index)).Where(o => b.OutputMetadata.ContainsKey(o.name)).ToList();
        var names = outputs.Select(o => o.name).ToList();
        var comparisons = names.Select(o => new OutputComparison(o)).ToList();
        var nonFinite = new SortedSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < samples.Count; s++)
        {
            using var rb = Sessions.Run(b, samples[s], names);
            for (var i = 0; i < outputs.Count; i++)
            {
                var (values, shape) = reference.Get(s, outputs[i].index);
                ReadOnlySpan<float> expected = values;
                var actual = rb[i].GetTensorDataAsSpan<float>();
                for (var k = 0; k < Math.Min(expected.Length, actual.Length); k++)
                {
                    if (float.IsFinite(expected[k]) && !float.IsFinite(actual[k]))
                    {
                        nonFinite.Add(names[i]);
                        break;
                    }
                }

                comparisons[i].Add(expected, actual, shape);
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
