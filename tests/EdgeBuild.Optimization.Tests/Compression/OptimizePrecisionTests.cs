using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>fp16, int4 and dynamic int8 through <see cref="ModelOptimizer.Optimize"/>: the switch, errors, determinism, a real model.</summary>
public class OptimizePrecisionTests
{
    private static ModelProto Mlp() => new ModelBuilder()
        .Input("x", DType.Float, 4, 64)
        .Initializer("w1", OrtRun.Random(64 * 96, 1), 64, 96)
        .Initializer("b1", OrtRun.Random(96, 2), 96)
        .Node("MatMul", ["x", "w1"], ["h"])
        .Node("Add", ["h", "b1"], ["a"])
        .Node("Relu", ["a"], ["r"])
        .Initializer("w2", OrtRun.Random(96 * 32, 3), 32, 96)
        .Node("Gemm", ["r", "w2"], ["y"], Attributes.Int("transB", 1))
        .Output("y", DType.Float, 4, 32)
        .Build();

    private static OptimizeResult Optimize(TempDir dir, string precision, string output, bool dynamic = false, string? validation = null, string? preprocess = null, string model = "mlp.onnx", double minSqnr = 30) =>
        ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = Path.IsPathRooted(model) ? model : dir.File(model),
            OutputPath = dir.File(output),
            TargetId = "x64-vnni",
            Precision = precision,
            Dynamic = dynamic,
            ValidationData = validation,
            Preprocess = preprocess,
            MinSqnrDb = minSqnr,
        });

    private static string WriteMlp(TempDir dir)
    {
        File.WriteAllBytes(dir.File("mlp.onnx"), Mlp().ToByteArray());
        return Npy.RandomSamples(dir, "val", 3, [4, 64], seed: 40);
    }

    [Theory]
    [InlineData("fp16", false, "Cast")]
    [InlineData("int4", false, "MatMulNBits")]
    [InlineData("int8", true, "DynamicQuantizeMatMul")]
    public void Each_precision_gives_identical_bytes_twice_and_meets_its_accuracy(string precision, bool dynamic, string expectedOp)
    {
        using var dir = new TempDir();
        var validation = WriteMlp(dir);
        var sourceBytes = File.ReadAllBytes(dir.File("mlp.onnx"));

        // 4-bit blocks of uniform random weights give ~20 dB; real MatMul weights (bell-shaped) do better.
        var budget = precision == "int4" ? 15 : 30;
        var first = Optimize(dir, precision, "a.onnx", dynamic, validation, minSqnr: budget);
        var second = Optimize(dir, precision, "b.onnx", dynamic, validation, minSqnr: budget);

        Assert.Equal(File.ReadAllBytes(first.OutputPath), File.ReadAllBytes(second.OutputPath));
        Assert.Equal(sourceBytes, File.ReadAllBytes(dir.File("mlp.onnx")));
        Assert.Equal(precision, first.Precision);
        var optimized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(first.OutputPath));
        Assert.Contains(optimized.Graph.Node, n => n.OpType == expectedOp);
        Assert.True(first.SizeRatio < 0.6, $"size ratio {first.SizeRatio:F2}");
        var sqnr = first.Accuracy.Single().SqnrDb;
        Assert.True(sqnr >= budget, $"{precision}: SQNR {sqnr:F1} dB"); // Optimize enforces it; checked here against a silent skip
    }

    [Fact]
    public void Dynamic_with_another_precision_is_refused_and_int4_below_budget_is_an_accuracy_error()
    {
        using var dir = new TempDir();
        var validation = WriteMlp(dir);

        var e = Assert.Throws<OptimizationInputException>(() => Optimize(dir, "fp16", "a.onnx", dynamic: true));
        Assert.Contains("--dynamic applies to int8 only", e.Message);
        var budget = Assert.Throws<AccuracyBudgetException>(() => ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = dir.File("mlp.onnx"), OutputPath = dir.File("b.onnx"), TargetId = "x64-vnni", Precision = "int4", ValidationData = validation, MinSqnrDb = 60,
        }));
        Assert.Contains("int4 misses the accuracy budget (every output's SQNR ≥ 60 dB)", budget.Message);
        Assert.False(File.Exists(dir.File("b.onnx"))); // never a half-written or inaccurate output
    }

    [Fact]
    public void Fp16_detector_is_half_the_size_keeps_float32_io_and_stays_above_30_dB_on_real_images()
    {
        using var dir = new TempDir();
        var images = dir.File("images");
        Directory.CreateDirectory(images);
        foreach (var name in new[] { "page.png", "text.png", "coffee.png" }) File.Copy(Path.Combine(TestAssets.ImagesDir, name), Path.Combine(images, name));

        // --min-sqnr defaults to 30 dB: Optimize throws if any output of the detector misses it.
        var result = Optimize(dir, "fp16", "det16.onnx", validation: images, preprocess: "resize=fit:320:32;channels=bgr;mean=0.485,0.456,0.406;std=0.229,0.224,0.225", model: TestAssets.Detector);

        Assert.InRange(result.SizeRatio, 0.45, 0.55);
        Assert.All(result.Accuracy, a => Assert.True(a.SqnrDb >= 30, $"{a.Name}: {a.SqnrDb:F1} dB"));
        using var session = new InferenceSession(result.OutputPath);
        Assert.All(session.InputMetadata.Values.Concat(session.OutputMetadata.Values), m => Assert.Equal(typeof(float), m.ElementType));
    }
}
