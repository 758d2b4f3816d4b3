using System.Globalization;
using EdgeBuild.Optimization.Benchmarking;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Verification;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Zoo;

/// <summary>One zoo measurement: a model through one build path, measured outside the build.</summary>
internal sealed record ZooRow(ZooModel Model, string Build, OptimizeResult Result, IReadOnlyList<OutputComparison> Accuracy, double? Argmax, double? Text, BenchmarkResult Latency)
{
    public double SizeRatio => Result.SizeRatio;

    public string AccuracyText => string.Join("; ", Accuracy.Select(c =>
        $"{c.Name} {c.SqnrDb.ToString("F1", CultureInfo.InvariantCulture)} dB")) + (Argmax is { } a ? $", argmax {a.ToString("P1", CultureInfo.InvariantCulture)}" : "")
        + (Text is { } t ? $", text (ctc, worst line) {t.ToString("P1", CultureInfo.InvariantCulture)}" : "");

    /// <summary>A line of the docs/zoo.md table: model | build | size | accuracy | latency | the build's own check.</summary>
    public string Markdown => string.Create(CultureInfo.InvariantCulture,
        $"| {Model.Name} | {Build} | {SizeRatio:F3}× | {AccuracyText} | {Latency.MedianRatio:F2}× ({Latency.MedianMsA:F1} → {Latency.MedianMsB:F1} ms, {Latency.Pairs} pairs) | {BuildCheck} |");

    private string BuildCheck => Result.AccuracyIsSynthetic
        ? (Result.Accuracy.Count == 0 ? "not checked" : "synthetic " + string.Join("; ", Result.Accuracy.Select(a => $"{a.SqnrDb:F1} dB")))
        : Result.Accuracy.Count == 0 ? "not checked" : "held-out split " + string.Join("; ", Result.Accuracy.Select(a => $"{a.SqnrDb:F1} dB"));
}

/// <summary>
/// Runs a zoo model through the one-line build (auto precision, no data: the data-free plan) or the calibrated build (auto
/// precision + CalibrationData), exactly as the MSBuild task calls the optimizer, then measures the result outside it:
/// accuracy on the model's real held-out data, and host latency with <see cref="PairedBenchmark"/> (interleaved, median
/// of per-pair ratios, one intra-op thread so the two cores' other tenants disturb both sides alike).
/// </summary>
internal static class ZooRunner
{
    /// <summary>The one line; <paramref name="validation"/> adds ValidationData (the data-free plan with a real check instead of the synthetic one), judged against <paramref name="minSqnrDb"/>.</summary>
    public static ZooRow OneLine(TempDir dir, ZooModel model, string target, string? validation = null, double minSqnrDb = OptimizationPlanner.DefaultMinSqnrDb) => Measure(dir, model, validation is null ? $"one-line {target}" : $"one-line + ValidationData {target}", new OptimizeRequest
    {
        ModelPath = model.Path,
        OutputPath = dir.File($"one-line-{target}.onnx"),
        TargetId = target,
        Precision = "auto",
        ValidationData = validation,
        MinSqnrDb = minSqnrDb,
        Dims = SignatureReader.ParseDims(model.Dims),
    });

    public static ZooRow Calibrated(TempDir dir, ZooModel model, string target) => Measure(dir, model, $"calibrated {target}", new OptimizeRequest
    {
        ModelPath = model.Path,
        OutputPath = dir.File($"calibrated-{target}.onnx"),
        TargetId = target,
        Precision = "auto",
        CalibrationData = (model.Calibration ?? throw new InvalidOperationException($"{model.Name} has no real calibration data"))(dir),
        Preprocess = model.Preprocess,
        Dims = SignatureReader.ParseDims(model.Dims),
    });

    private static ZooRow Measure(TempDir dir, ZooModel model, string build, OptimizeRequest request)
    {
        var result = ModelOptimizer.Optimize(request);
        var heldOut = model.HeldOut(dir);
        var accuracy = heldOut.Compare(model.Path, result.OutputPath);
        var latency = Latency(File.ReadAllBytes(model.Path), File.ReadAllBytes(result.OutputPath), heldOut.Bench);
        var (argmax, text) = model.ArgmaxClasses > 0 ? heldOut.RowAgreement(model.Path, result.OutputPath, model.ArgmaxClasses, model.CtcText) : ((double?)null, (double?)null);
        var row = new ZooRow(model, build, result, accuracy, argmax, text, latency);
        if (Environment.GetEnvironmentVariable("EDGEBUILD_ZOO_TABLE") is { Length: > 0 } table) File.AppendAllText(table, row.Markdown + Environment.NewLine);
        return row;
    }

    /// <summary>The row's latency measured again, for twice as long: see <c>ZooTests.AssertLatency</c>.</summary>
    public static BenchmarkResult MeasureLatencyAgain(TempDir dir, ZooRow row) =>
        Latency(File.ReadAllBytes(row.Model.Path), File.ReadAllBytes(row.Result.OutputPath), row.Model.HeldOut(dir).Bench, milliseconds: 6000);

    /// <summary>About <paramref name="milliseconds"/> of interleaved pairs whatever the model's size (at least 5 rounds, at most 60).</summary>
    private static BenchmarkResult Latency(byte[] original, byte[] optimized, IReadOnlyList<Sample> samples, double milliseconds = 3000)
    {
        static SessionOptions Options() => new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        var probe = PairedBenchmark.Run(original, optimized, samples, Options, Options, iterations: 1, warmup: 1);
        var rounds = (int)Math.Clamp(milliseconds / (2 * probe.MedianMsA * samples.Count), 5, 60);
        return PairedBenchmark.Run(original, optimized, samples, Options, Options, rounds);
    }
}
