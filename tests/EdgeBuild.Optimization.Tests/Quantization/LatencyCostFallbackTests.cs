using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Benchmarking;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The accuracy fallback's opt-in latency cost (issue 16 item 2) on the real classifier with the pinned image split: the
/// profiler that prices it varies from run to run, the chosen set and the bytes must not (the ranking uses MACs only).
/// </summary>
public class LatencyCostFallbackTests
{
    private static OptimizeResult Quantize(TempDir dir, string name) => ModelOptimizer.Optimize(new OptimizeRequest
    {
        ModelPath = TestAssets.Classifier,
        OutputPath = dir.File($"cls-{name}.onnx"),
        TargetId = "rpi5",
        Precision = "int8",
        CalibrationData = dir.File("cls-cal"),
        ValidationData = dir.File("cls-val"),
        Preprocess = RealModelInt8Tests.ClassifierPreprocess,
        MinSqnrDb = 30,
        FallbackLatencyCost = true,
    });

    /// <summary>
    /// Issue 16, acceptance 4: at the same budget, the fallback with the latency step keeps more of the detector's convs
    /// (and of its MACs) integer than without it, read from the written files. Deterministic: the step orders by MACs
    /// (graph and shapes), never by the profiler's timings, so this holds on any host. Paired latency is measured in
    /// docs/optimization.md, not here (a shared host's timings cannot fail a test fairly).
    /// </summary>
    [Fact]
    public void At_the_same_budget_the_latency_step_keeps_more_convs_integer_on_the_detector()
    {
        using var dir = new TempDir();
        RealModelInt8Tests.MaterializeSplit(dir);
        const string budget = "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%";
        OptimizeResult Build(bool latencyCost) => ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = TestAssets.Detector,
            OutputPath = dir.File(latencyCost ? "det-latency.onnx" : "det.onnx"),
            TargetId = "rpi5",
            Precision = "int8",
            CalibrationData = dir.File("det-cal"),
            ValidationData = dir.File("det-val"),
            Preprocess = RealModelInt8Tests.DetectorPreprocess,
            Accuracy = budget,
            FallbackLatencyCost = latencyCost,
        });

        var (plain, latency) = (Build(false), Build(true));

        foreach (var result in new[] { plain, latency })
        {
            var metric = Assert.Single(Assert.Single(result.Accuracy).Metrics);
            Assert.True(metric.Holds, $"agreement {metric.Measured}");
            Assert.True(result.SizeRatio <= 0.28, $"size ratio {result.SizeRatio:F3}");
        }

        var (before, after) = (ConvSplit.Of(plain.OutputPath, 1, 3, 320, 320), ConvSplit.Of(latency.OutputPath, 1, 3, 320, 320));
        Assert.True(after.IntegerConvs > before.IntegerConvs && after.IntegerMacs > before.IntegerMacs, $"with the latency step {after}; without {before}");
        Assert.Contains(latency.Notes, n => n.StartsWith("latency trade: ", StringComparison.Ordinal) && n.Contains("handed back", StringComparison.Ordinal));
    }

    [Fact]
    public void The_latency_cost_holds_the_budget_notes_its_trade_and_gives_the_same_bytes_twice()
    {
        using var dir = new TempDir();
        RealModelInt8Tests.MaterializeSplit(dir);

        var first = Quantize(dir, "a");
        var second = Quantize(dir, "b");

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.True(Assert.Single(first.Accuracy).SqnrDb >= 30, $"SQNR {first.Accuracy[0].SqnrDb:F2} dB");
        Assert.Contains(first.Notes, n => n.StartsWith("latency cost: ", StringComparison.Ordinal) && n.Contains("U8S8 twin", StringComparison.Ordinal));
        Assert.Contains(first.Notes, n => n.StartsWith("latency trade: ", StringComparison.Ordinal));

        // The timing proxy: the U8S8 twin computes the S8S8 file's values (zero points shifted with the codes).
        var model = Onnx.Protos.ModelProto.Parser.ParseFrom(File.ReadAllBytes(first.OutputPath));
        var twin = Benchmarking.UnsignedActivationTwin.Of(model);
        Assert.Contains(twin.Graph.Initializer, t => t.DataType == Onnx.Graph.DType.Uint8);
        var input = new float[3 * 48 * 192];
        for (var i = 0; i < input.Length; i++) input[i] = (float)Math.Sin(i * 0.37);
        float[] Run(Onnx.Protos.ModelProto m)
        {
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(m), options);
            using var x = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [1, 3, 48, 192]);
            using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
            using var y = session.Run(runOptions, [session.InputMetadata.Keys.First()], [x], [session.OutputMetadata.Keys.First()]);
            return y[0].GetTensorDataAsSpan<float>().ToArray();
        }

        var (s8, u8) = (Run(model), Run(twin));
        Assert.Equal(s8.Length, u8.Length);
        Assert.All(s8.Zip(u8), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-6, $"{p.First} vs {p.Second}"));
    }

    /// <summary>
    /// When the profile cannot be taken (here its folder does not exist, as when the temp folder vanished or is full: an
    /// IOException from reading the profile file, not an ORT error), the fallback still completes, ranking by damage alone,
    /// and says so in a note; the model is the one the fallback without the latency cost writes. Before, only
    /// OnnxRuntimeException was caught and this failed the build.
    /// </summary>
    [Fact]
    public void A_latency_profile_that_cannot_be_taken_is_skipped_with_a_note_and_the_fallback_completes()
    {
        using var dir = new TempDir();
        var model = new ModelBuilder()
            .Input("x", DType.Float, 4, 64)
            .Initializer("w1", OrtRun.Random(64 * 96, 1), 64, 96)
            .Initializer("b1", OrtRun.Random(96, 2), 96)
            .Node("MatMul", ["x", "w1"], ["h"])
            .Node("Add", ["h", "b1"], ["a"])
            .Node("Relu", ["a"], ["r"])
            .Initializer("w2", OrtRun.Random(96 * 32, 3), 96, 32)
            .Node("MatMul", ["r", "w2"], ["y"])
            .Output("y", DType.Float, 4, 32)
            .Build();
        File.WriteAllBytes(dir.File("mlp.onnx"), model.ToByteArray());
        var (calibration, validation) = (Npy.RandomSamples(dir, "cal", 6, [4, 64], seed: 10), Npy.RandomSamples(dir, "val", 3, [4, 64], seed: 40));
        OptimizeResult Build(string output, bool latencyCost) => ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = dir.File("mlp.onnx"),
            OutputPath = dir.File(output),
            TargetId = "x64-vnni",
            Precision = "int8",
            CalibrationData = calibration,
            ValidationData = validation,
            MinSqnrDb = 60, // int8 alone misses 60 dB on this MLP, so the fallback runs (its note is asserted below)
            FallbackLatencyCost = latencyCost,
        });

        OptimizeResult skipped;
        using (OpTimeProfile.WriteProfilesTo(dir.File("no-such-folder")))
        {
            skipped = Build("skipped.onnx", latencyCost: true);
        }

        var note = Assert.Single(skipped.Notes, n => n.StartsWith("latency cost not measured (", StringComparison.Ordinal));
        Assert.Contains("no-such-folder", note, StringComparison.Ordinal); // why: the profile file could not be read
        Assert.EndsWith("): ranking by damage alone", note, StringComparison.Ordinal);
        Assert.DoesNotContain(skipped.Notes, n => n.StartsWith("latency cost: ", StringComparison.Ordinal) || n.StartsWith("latency trade: ", StringComparison.Ordinal));
        Assert.Contains(skipped.Notes, n => n.StartsWith("accuracy fallback kept ", StringComparison.Ordinal));
        Assert.True(Assert.Single(skipped.Accuracy).SqnrDb >= 60, $"SQNR {skipped.Accuracy[0].SqnrDb:F1} dB");
        Assert.Equal(File.ReadAllBytes(Build("plain.onnx", latencyCost: false).OutputPath), File.ReadAllBytes(skipped.OutputPath));
    }
}
