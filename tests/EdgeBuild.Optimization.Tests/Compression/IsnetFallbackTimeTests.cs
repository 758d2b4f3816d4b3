using System.Diagnostics;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// Issue 16 acceptance 5: ISNet as a new user runs it (the package's fp16 file with its 12 outputs, 1024², x64-vnni,
/// 4 calibration / 3 held-out skimage photos, 30 dB on every output) finishes optimize in ≤ 10 minutes with every
/// budget held, given a fallback time budget. Without one it ran 21 min here (42 attempts of ~27 s each, 7.2 GB
/// peak; docs/accuracy.md "How the search is bounded"), and its float16 weights stayed float16 (1.00x): now they are
/// widened and quantized, so the result must also be int8-sized (measured 5.5 min, 0.501x, every output >= 36 dB;
/// docs/optimization.md (h)). Opt-in (EDGEBUILD_ISNET_FALLBACK_TESTS=1 and
/// `bash scripts/fetch-assets.sh --with-isnet`): minutes on this 2-core host, and the result depends on its speed.
/// </summary>
public sealed class IsnetFallbackTimeTests(ITestOutputHelper output)
{
    public const string OptInVariable = "EDGEBUILD_ISNET_FALLBACK_TESTS";

    /// <summary>Photos with one salient subject (what ISNet segments); none of the held-out ones is calibrated on.</summary>
    public static readonly string[] CalibrationImages = ["astronaut.png", "coffee.png", "rocket.jpg", "chelsea.png"];

    public static readonly string[] ValidationImages = ["motorcycle_right.png", "camera.png", "coins.png"];

    private const double FallbackSeconds = 240;

    private static string Images(TempDir dir, string folder, IEnumerable<string> names)
    {
        var path = dir.File(folder);
        Directory.CreateDirectory(path);
        foreach (var name in names) File.Copy(Path.Combine(TestAssets.ImagesDir, name), Path.Combine(path, name));
        return path;
    }

    [OptInFact(OptInVariable, "ISNet fp16 at 1024x1024 through the fallback, <= 10 min; needs scripts/fetch-assets.sh --with-isnet")]
    public void Finishes_within_ten_minutes_with_every_budget_held()
    {
        using var dir = new TempDir();
        var clock = Stopwatch.StartNew();
        var result = ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = TestAssets.IsnetFp16,
            OutputPath = dir.File("isnet-int8.onnx"),
            TargetId = "x64-vnni",
            Precision = "int8",
            CalibrationData = Images(dir, "cal", CalibrationImages),
            ValidationData = Images(dir, "val", ValidationImages),
            Preprocess = IsnetInt8Tests.Preprocess,
            FallbackTimeBudget = FallbackSeconds,
        });
        clock.Stop();

        var note = result.Notes.SingleOrDefault(n => n.StartsWith("accuracy fallback kept", StringComparison.Ordinal));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s, size {result.SizeRatio:F3}x the fp16 file; {note ?? "no fallback needed"}");
        foreach (var a in result.Accuracy) output.WriteLine($"{a.Name}: {a.SqnrDb:F1} dB (worst image {a.WorstSampleSqnrDb:F1})");
        Assert.True(clock.Elapsed <= TimeSpan.FromMinutes(10), $"optimize took {clock.Elapsed.TotalMinutes:F1} min");
        // The file stores float16 weights: int8 ones are half of that (0.25x its float32 twin); it was 1.00x before widen-float16.
        Assert.Contains(PlanStepIds.WidenFloat16, result.ExecutedSteps);
        Assert.True(result.SizeRatio <= 0.55, $"size ratio {result.SizeRatio:F3}");
        Assert.DoesNotContain(result.Findings, f => f.Code == "EDGE0220");
        Assert.Equal(12, result.Accuracy.Count);
        Assert.All(result.Accuracy, a => Assert.All(a.Metrics, m => Assert.True(m.Holds, $"{a.Name}: {m.Metric} {m.Measured} {m.Budget}")));
        Assert.DoesNotContain(result.Findings, f => f.Code is "EDGE0301" or "EDGE0302");
        if (note is not null) Assert.Matches(@"after \d+ attempt\(s\), (search complete|stopped by the time budget)", note);
    }
}
