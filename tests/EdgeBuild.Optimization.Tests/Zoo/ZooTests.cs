using System.Globalization;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Zoo;

/// <summary>
/// Issue 17 item 6, the zoo: every pinned real network through the one-line build (auto, no data) for rpi5 and x64-vnni,
/// and through the calibrated build where real calibration data exists, each measured outside the build on real held-out
/// data (SQNR per output, argmax agreement where it fits) and by the interleaved host benchmark. docs/zoo.md is this
/// class's output (set EDGEBUILD_ZOO_TABLE=file to collect the rows). The bounds are the acceptance figures
/// (≤ 0.30× for conv/linear nets, ≤ 0.40× with control flow or recurrence) or, where a model cannot meet them, the
/// reason and a regression bound; latency may not regress beyond the shared machine's noise.
/// </summary>
public sealed class ZooTests(ITestOutputHelper output)
{
    /// <summary>Weights computed in float are folded back at load: latency is fp32's, give or take a shared machine's noise.</summary>
    private const double OneLineLatencyBound = 1.15;

    /// <summary>
    /// PP-OCR's nets are full of learnable-affine Mul/Add and hard-swish chains, which the one line's float rewrites
    /// (fold-and-fuse) take out: measured 0.62–0.68× float32 (detector, classifier, recognizer, both targets).
    /// </summary>
    private const double FoldedLatencyBound = 0.85;

    private static readonly string[] Targets = ["rpi5", "x64-vnni"];

    private ZooRow Log(ZooRow row)
    {
        output.WriteLine(row.Markdown);
        return row;
    }

    /// <summary>Latency within <paramref name="bound"/> × fp32, measured again (for twice as long) when noise may have put it over (<see cref="NoisyRatio"/>).</summary>
    private void AssertLatency(TempDir dir, ZooRow row, double bound)
    {
        var ratios = NoisyRatio.Measure(row.Latency.MedianRatio, () =>
        {
            var again = ZooRunner.MeasureLatencyAgain(dir, row);
            output.WriteLine($"  {row.Build} measured again: {again.MedianRatio:F2}x ({again.MedianMsA:F1} -> {again.MedianMsB:F1} ms, {again.Pairs} pairs)");
            return again.MedianRatio;
        }, r => r <= bound);
        Assert.True(ratios.Min() <= bound, $"{row.Model.Name} {row.Build}: latency {NoisyRatio.Format(ratios)} fp32, over {bound}x in every measurement");
    }

    private List<ZooRow> OneLine(ZooModel model, double maxSize, double minDb, double maxLatency = OneLineLatencyBound)
    {
        using var dir = new TempDir();
        var rows = Targets.Select(t => Log(ZooRunner.OneLine(dir, model, t))).ToList();
        foreach (var row in rows)
        {
            Assert.Contains(PlanStepIds.CompressWeightsInt8, row.Result.ExecutedSteps);
            Assert.True(row.Result.AccuracyIsSynthetic, $"{row.Build}: the one-line build has no real data, its check must say it is synthetic");
            Assert.True(row.SizeRatio <= maxSize, $"{model.Name} {row.Build}: {row.SizeRatio:F3}x > {maxSize}x");
            Assert.All(row.Accuracy, c => Assert.True(c.SqnrDb >= minDb, $"{model.Name} {row.Build} {c.Name}: {c.SqnrDb:F1} dB < {minDb} dB on real held-out data"));
            AssertLatency(dir, row, maxLatency);
        }

        return rows;
    }

    private ZooRow Calibrated(ZooModel model, double maxSize, double minDb, double maxLatency = OneLineLatencyBound)
    {
        using var dir = new TempDir();
        var row = Log(ZooRunner.Calibrated(dir, model, "x64-vnni"));
        Assert.False(row.Result.AccuracyIsSynthetic);
        Assert.True(row.SizeRatio <= maxSize, $"{model.Name} {row.Build}: {row.SizeRatio:F3}x > {maxSize}x");
        Assert.All(row.Accuracy, c => Assert.True(c.SqnrDb >= minDb, $"{model.Name} {row.Build} {c.Name}: {c.SqnrDb:F1} dB < {minDb} dB on real held-out data"));
        AssertLatency(dir, row, maxLatency);
        return row;
    }

    [Fact]
    public void Detector_plain_conv() => OneLine(ZooModels.Detector, maxSize: 0.30, minDb: 25, FoldedLatencyBound);

    [OptInFact("EDGEBUILD_ZOO_HEAVY", "calibrated PP-OCRv4 detector: 21 calibration images at 480x640 and its fallback search")]
    /// <summary>
    /// Without ValidationData the budget reads det-cal's held-out quarter: photos without text, whose near-zero maps make every
    /// rounding look like noise, so the fallback keeps many convs at 16 bits (0.451x; with text pages to validate on, 0.27x).
    /// </summary>
    public void Detector_calibrated() => Calibrated(ZooModels.Detector, maxSize: 0.50, minDb: 25);

    [Fact]
    public void Classifier_depthwise_hard_swish()
    {
        var rows = OneLine(ZooModels.Classifier, maxSize: 0.35, minDb: 25, FoldedLatencyBound);
        Assert.All(rows, r => Assert.Equal(1.0, r.Argmax));
    }

    [Fact]
    public void Classifier_calibrated() => Assert.Equal(1.0, Calibrated(ZooModels.Classifier, maxSize: 0.30, minDb: 20).Argmax);

    /// <summary>Latency 0.99–1.18× over four runs on the loaded 2-core host (1.06× twice): not yet known whether noise or a
    /// small cost of the folded MatMul weights, so a looser regression bound than the conv nets' until measured quietly.</summary>
    /// <remarks>x64-vnni runs the nine wide MatMuls as dynamic int8 kernels without data (0.278x, 30.9 dB, 0.97x fp32 measured);
    /// rpi5 keeps them computed in float (0.291x, 29.8 dB).</remarks>
    [Fact]
    public void Recognizer_matmul()
    {
        var rows = OneLine(ZooModels.Recognizer, maxSize: 0.30, minDb: 20, FoldedLatencyBound); // 24.8 dB with the weights' bias correction, 18.7 without
        Assert.All(rows, r => Assert.InRange(r.Text!.Value, 0.9, 1.0));
        Assert.Equal([false, true], rows.Select(r => r.Result.ExecutedSteps.Contains(PlanStepIds.QuantizeDynamicInt8)));
    }

    /// <summary>
    /// The one line on a recognizer the project was not tuned on: for rpi5 (weights computed in float) it reads every
    /// held-out printed line as float32 does; x64-vnni's dynamic int8 MatMuls cost one edit on one line (95.2 %, as the
    /// v4 recognizer's 0.9 bound allows). Measured 0.284×/0.281×, 34.2/29.7 dB, 0.76× float32's latency on both.
    /// </summary>
    [Fact]
    public void Recognizer_english_v3_not_tuned_on()
    {
        var rows = OneLine(ZooModels.RecognizerEnglishV3, maxSize: 0.30, minDb: 25, FoldedLatencyBound);
        Assert.Equal(1.0, rows.Single(r => r.Result.Target == "rpi5").Text);
        Assert.All(rows, r => Assert.InRange(r.Text!.Value, 0.9, 1.0));
    }

    /// <summary>The int8 MatMul kernels the one line does not use: 0.67–0.72× latency measured (~40 s). Its only pinned
    /// calibration data are photos squeezed to 48×320, not text, and it shows on the printed lines: 12.8 dB, the worst line's
    /// text 90 % (the one line: 24.8 dB, 95.5 %).</summary>
    [Fact]
    public void Recognizer_calibrated() => Assert.InRange(Calibrated(ZooModels.Recognizer, maxSize: 0.30, minDb: 10).Text!.Value, 0.85, 1.0);

    /// <summary>
    /// int8 weights break M-LSD (its synthetic check reads the center map "scores" at −1.4 dB; on real held-out photos 9.8 dB):
    /// the one line then stores every weight int16 (0.51×) and still builds, checked on made-up inputs: held-out offsets 62.8,
    /// scores 42.4 dB (float16 storage gave 35.6 / 16.4). With real photos as
    /// ValidationData the check is real, no float16 fallback runs, and the int8 weights miss the default 30 dB; built against a
    /// lowered MinSqnrDb they give the figures in docs/zoo.md. M-LSD is sensitive everywhere (static int8: 4.9 dB).
    /// </summary>
    [Fact]
    public void Mlsd_depthwise_nhwc()
    {
        using var dir = new TempDir();
        var oneLine = Log(ZooRunner.OneLine(dir, ZooModels.Mlsd, "rpi5"));
        Assert.Contains(oneLine.Result.Notes, n => n.StartsWith("int8 weights break this model on made-up inputs", StringComparison.Ordinal));
        Assert.InRange(oneLine.SizeRatio, 0.45, 0.55);
        Assert.All(oneLine.Accuracy, c => Assert.True(c.SqnrDb >= 35, $"{oneLine.Build} {c.Name}: {c.SqnrDb:F1} dB on held-out photos"));

        var validation = ZooModels.Mlsd.Calibration!(dir);
        foreach (var target in Targets)
        {
            var row = Log(ZooRunner.OneLine(dir, ZooModels.Mlsd, target, validation, minSqnrDb: 10));
            Assert.Contains(PlanStepIds.CompressWeightsInt8, row.Result.ExecutedSteps);
            Assert.True(row.SizeRatio <= 0.30, $"{row.Build}: {row.SizeRatio:F3}x");
            Assert.Contains(row.Accuracy, c => c.SqnrDb < 30); // the int8 weights' real figure; when this fails, the float16 fallback may no longer be needed
            Assert.All(row.Accuracy, c => Assert.True(c.SqnrDb >= 8, $"{row.Build} {c.Name}: {c.SqnrDb:F1} dB on held-out photos")); // today: offsets 27.3, scores 10.8 dB
            AssertLatency(dir, row, OneLineLatencyBound);
        }
    }

    /// <summary>Static int8 gives M-LSD 4.9 dB (docs/optimization.md), so the fallback keeps much of it float: size and held-out accuracy are bounded, not the conv-net bar.</summary>
    [OptInFact("EDGEBUILD_ZOO_HEAVY", "calibrated M-LSD: 12 calibration photos at 320x320 and a long fallback search (~5 min)")]
    public void Mlsd_calibrated() => Calibrated(ZooModels.Mlsd, maxSize: 0.45, minDb: 15); // 0.393x: the fallback's float nodes keep int16 weights

    /// <summary>Its STFT/mel weights reach a Log, so the data-free path stores them float16, not int8 (docs/optimization.md): 0.5×, by design.</summary>
    [Fact]
    public void Wakeword_melspectrogram() => OneLine(ZooModels.Melspectrogram, maxSize: 0.55, minDb: 30);

    [Fact]
    public void Wakeword_embedding_conv() => OneLine(ZooModels.Embedding, maxSize: 0.30, minDb: 30);

    /// <summary>The calibrated path's int8 kernels with the fallback's float islands are slower than fp32 on this tiny net (1 ms); the one line is not.</summary>
    [Fact]
    public void Wakeword_embedding_calibrated() => Calibrated(ZooModels.Embedding, maxSize: 0.30, minDb: 20, maxLatency: 1.5);

    [Fact]
    public void Hey_jarvis_gemm_with_weights_in_an_if_body() => OneLine(ZooModels.HeyJarvis, maxSize: 0.40, minDb: 30);

    /// <summary>
    /// The calibrated build reaches into the If body, but its verifier MLP runs only when the main MLP scores ≥ 0.5 ("hey
    /// jarvis" heard): on the real speech clips it never runs, so no body value has a range and the build says so; the body's
    /// weights still go int8 (computed in float). Measured 0.259×, 43.5 dB; latency 1.18–1.37× of a ~0.05 ms model (the
    /// main Gemms' QDQ kernels on 1×1536 rows), hence the loose bound.
    /// </summary>
    [Fact]
    public void Hey_jarvis_calibrated()
    {
        var row = Calibrated(ZooModels.HeyJarvis, maxSize: 0.30, minDb: 30, maxLatency: 1.6);
        Assert.Contains(row.Result.Notes, n => n.Contains("inside If/Loop/Scan bodies", StringComparison.Ordinal));
    }

    [Fact]
    public void Silero_legacy_lstm_in_if_bodies_with_int64_input() => OneLine(ZooModels.SileroLegacy, maxSize: 0.40, minDb: 30);

    /// <summary>
    /// v5's audio input and state leave axes unnamed ([?, ?], [2, ?, 128]): the line names them per tensor axis
    /// (<c>Dims="input[1]=512;state[1]=1"</c>), so inputs can be made up, the build's check runs and the data-free
    /// sensitivity search keeps one weight float. Without those Dims the build still succeeds, "not checked". Measured:
    /// made-up 34.3 / 29.5 dB, but real speech only 24.3 / 20.4 dB: the made-up inputs pick encoder.3, not the encoder.1
    /// weight real speech needs (docs/zoo.md). Bound: today's real figures less 3 dB.
    /// </summary>
    [Fact]
    public void Silero_v5_with_unnamed_input_dims_named_per_axis()
    {
        using var dir = new TempDir();
        foreach (var target in Targets)
        {
            var row = Log(ZooRunner.OneLine(dir, ZooModels.SileroV5, target));
            foreach (var f in row.Result.Findings) output.WriteLine($"  {f.Code}: {f.Message}");
            Assert.True(row.Result.AccuracyIsSynthetic);
            Assert.NotEmpty(row.Result.Accuracy);
            Assert.Contains(row.Result.Notes, n => n.Contains("kept float by the sensitivity search", StringComparison.Ordinal));
            Assert.True(row.SizeRatio <= 0.40, $"{row.Build}: {row.SizeRatio:F3}x");
            Assert.All(row.Accuracy, c => Assert.True(c.SqnrDb >= 17, $"{row.Build} {c.Name}: {c.SqnrDb:F1} dB on real speech"));
            AssertLatency(dir, row, OneLineLatencyBound);
        }
    }
}
