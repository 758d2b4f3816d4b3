using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// A float16 source ONNX Runtime accepts whose float32 form (widen-float16) it rejects is EDGE0202 at the widening, naming
/// the model and the precisions that need no widening, with nothing written. Before, the same model reached calibration
/// and was blamed on the samples (EDGE0101 "cannot run the model on sample …"), or failed inside the data-free steps.
/// </summary>
public class Float16WidenedRejectedTests
{
    /// <summary>
    /// float32 in → Cast → float16 MatMul → Add of a float16 bias that is also a graph input (an overridable initializer,
    /// part of the signature, so widening keeps it float16 and adds no Cast) → Cast → float32 out. ORT runs it; widened,
    /// the Add gets float32 and float16 and ORT refuses to load it. A genuine gap of the widening, not a seam.
    /// </summary>
    private static ModelProto HalfModelWithOverridableBias()
    {
        var w = Array.ConvertAll(OrtRun.Random(64 * 32, 1), v => (Half)v);
        var b = Array.ConvertAll(OrtRun.Random(32, 2), v => (Half)v);
        return new ModelBuilder()
            .Input("x", DType.Float, 1, 64)
            .Input("bias", DType.Float16, 32)
            .Initializer(Tensors.FromHalfs("w", w, 64, 32))
            .Initializer(Tensors.FromHalfs("bias", b, 32))
            .Node("Cast", ["x"], ["xh"], Attributes.Int("to", DType.Float16))
            .Node("MatMul", ["xh", "w"], ["m"])
            .Node("Add", ["m", "bias"], ["a"])
            .Node("Cast", ["a"], ["y"], Attributes.Int("to", DType.Float))
            .Output("y", DType.Float, 1, 32)
            .Build();
    }

    [Theory]
    [InlineData(true)] // int8 with CalibrationData: the calibrate step would run the widened model first
    [InlineData(false)] // the data-free default (auto, no data): its steps would run it first
    public void A_widened_model_ort_rejects_is_EDGE0202_naming_the_model_and_the_fix_with_nothing_written(bool calibrated)
    {
        using var dir = new TempDir();
        var model = HalfModelWithOverridableBias();
        var path = dir.File("half.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        SourceModelCheck.EnsureRuntimeAccepts(model, path); // the source itself is fine: ORT loads it
        var request = new OptimizeRequest
        {
            ModelPath = path,
            OutputPath = dir.File("out.onnx"),
            ManifestPath = dir.File("out.manifest.json"),
            TargetId = "rpi5",
            Precision = calibrated ? "int8" : "auto",
            CalibrationData = calibrated ? Npy.RandomSamples(dir, "cal", 4, [1, 64], seed: 3) : null,
        };

        var e = Assert.Throws<OptimizationInputException>(() => ModelOptimizer.Optimize(request));

        Assert.Equal(DiagnosticCodes.Float16WideningRejected, e.Code);
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith("widen-float16 made a float32 model ONNX Runtime rejects (", e.Problem, StringComparison.Ordinal);
        Assert.Contains("(Add)", e.Problem, StringComparison.Ordinal); // ORT's own reason, one line
        Assert.DoesNotContain("\n", e.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("onnxruntime::", e.Problem, StringComparison.Ordinal);
        Assert.Contains("Precision=\"fp16\" or \"none\"", e.Fix, StringComparison.Ordinal);
        Assert.False(File.Exists(request.OutputPath));
        Assert.False(File.Exists(request.ManifestPath));
        Assert.Empty(Directory.GetFiles(dir.Path, "out*"));
    }

    [Fact]
    public void The_same_model_builds_at_fp16_where_nothing_is_widened()
    {
        using var dir = new TempDir();
        var path = dir.File("half.onnx");
        File.WriteAllBytes(path, HalfModelWithOverridableBias().ToByteArray());

        var result = ModelOptimizer.Optimize(new OptimizeRequest { ModelPath = path, OutputPath = dir.File("out.onnx"), TargetId = "rpi5", Precision = "fp16" });

        Assert.DoesNotContain(PlanStepIds.WidenFloat16, result.ExecutedSteps);
        Assert.True(File.Exists(result.OutputPath));
    }
}
