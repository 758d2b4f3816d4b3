using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The accuracy fallback judged in the task's own terms (issue 16 item 1) and bounded by a count of attempts, not by
/// time (the same inputs give the same bytes), on the real PP-OCR models with the pinned image split.
/// </summary>
public class TaskMetricFallbackTests
{
    private static OptimizeResult Quantize(TempDir dir, string model, string set, string preprocess, string? accuracy = null, double minSqnrDb = 30,
        int? fallbackAttempts = null, string name = "out") => ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = model,
            OutputPath = dir.File($"{set}-{name}.onnx"),
            TargetId = "rpi5",
            Precision = "int8",
            CalibrationData = dir.File(set + "-cal"),
            ValidationData = dir.File(set + "-val"),
            Preprocess = preprocess,
            MinSqnrDb = minSqnrDb,
            Accuracy = accuracy,
            FallbackAttempts = fallbackAttempts,
        });

    /// <summary>"... after 7 attempt(s), search complete (cap 50)" → 7 and the stop reason.</summary>
    private static (int Attempts, string Stopped) FallbackOutcome(OptimizeResult result)
    {
        var note = Assert.Single(result.Notes, n => n.StartsWith("accuracy fallback kept", StringComparison.Ordinal));
        var after = note.IndexOf(" after ", StringComparison.Ordinal) + 7;
        var attempts = int.Parse(note[after..note.IndexOf(' ', after)], System.Globalization.CultureInfo.InvariantCulture);
        var stopped = note[(note.IndexOf("attempt(s), ", after, StringComparison.Ordinal) + 12)..];
        return (attempts, stopped);
    }

    [Fact]
    public void Detector_holds_a_probability_map_agreement_budget_at_int8_size()
    {
        using var dir = new TempDir();
        RealModelInt8Tests.MaterializeSplit(dir);

        var result = Quantize(dir, TestAssets.Detector, "det", RealModelInt8Tests.DetectorPreprocess, "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%");

        var map = Assert.Single(result.Accuracy);
        var metric = Assert.Single(map.Metrics);
        Assert.Equal("agreement@0.3", metric.Metric);
        Assert.True(metric.Holds && metric.Value >= 0.995, $"agreement {metric.Measured}");
        Assert.True(result.SizeRatio <= 0.28, $"size ratio {result.SizeRatio:F3}");
        var (attempts, stopped) = FallbackOutcome(result);
        Assert.StartsWith("search complete (cap 50)", stopped);
        Assert.InRange(attempts, 1, 50);
    }

    [Fact]
    public void A_capped_search_is_deterministic_holds_the_budget_and_says_it_stopped_at_the_cap()
    {
        using var dir = new TempDir();
        RealModelInt8Tests.MaterializeSplit(dir);

        var full = Quantize(dir, TestAssets.Classifier, "cls", RealModelInt8Tests.ClassifierPreprocess, name: "full");
        var first = Quantize(dir, TestAssets.Classifier, "cls", RealModelInt8Tests.ClassifierPreprocess, fallbackAttempts: 3, name: "a");
        var second = Quantize(dir, TestAssets.Classifier, "cls", RealModelInt8Tests.ClassifierPreprocess, fallbackAttempts: 3, name: "b");

        // A count, not a clock: the same inputs, the same bytes.
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(File.ReadAllBytes(first.OutputPath), File.ReadAllBytes(second.OutputPath));

        var (fullAttempts, fullStopped) = FallbackOutcome(full);
        var (cappedAttempts, cappedStopped) = FallbackOutcome(first);
        Assert.StartsWith("search complete (cap 50)", fullStopped);
        Assert.StartsWith("stopped at the attempt cap (3;", cappedStopped);
        // Past the cap, only the one attempt per resort that settles whether the budget can hold at all.
        Assert.InRange(cappedAttempts, 3, 3 + 2);
        Assert.True(fullAttempts > cappedAttempts, $"full search {fullAttempts} attempts, capped {cappedAttempts}");
        // Stopping early never trades the budget away, only size or speed.
        Assert.True(Assert.Single(first.Accuracy).SqnrDb >= 30, $"SQNR {first.Accuracy[0].SqnrDb:F2} dB");
    }
}
