using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Pipeline;

/// <summary>
/// The data-free plan's float rewrites (fold-and-fuse) on models built in code: an opset-11 Conv → learnable affine
/// (Mul, Add by constants) → exported hard-swish chain comes out as one Conv and one HardSwish (opset 14), computing what
/// the original computes; a model none of the rewrites changes keeps its opset. The real models' latency: ZooTests
/// (PP-OCR detector, classifier, recognizer one line, measured 0.62–0.68× float32).
/// </summary>
public sealed class FoldAndFuseStepTests
{
    private static ModelProto ConvAffineHardSwish(long opset) => new ModelBuilder(opset)
        .Input("x", DType.Float, 1, 16, 12, 12)
        .Initializer("w", OrtRun.Random(16 * 16 * 9, 1), 16, 16, 3, 3)
        .Initializer("b", OrtRun.Random(16, 2), 16)
        .Initializer("scale", [1.7f], 1)
        .Initializer("shift", [0.3f], 1)
        .Initializer("three", [3f], 1)
        .Initializer("zero", [0f], 1)
        .Initializer("six", [6f], 1)
        .Node("Conv", ["x", "w", "b"], ["c"], Attributes.Ints("pads", 1, 1, 1, 1))
        .Node("Mul", ["c", "scale"], ["m"])
        .Node("Add", ["m", "shift"], ["a"])
        .Node("Add", ["a", "three"], ["a3"])
        .Node("Clip", ["a3", "zero", "six"], ["r6"])
        .Node("Mul", ["a", "r6"], ["h"])
        .Node("Div", ["h", "six"], ["y"])
        .Output("y", DType.Float, 1, 16, 12, 12)
        .Build();

    private static (OptimizeResult Result, ModelProto Output) OneLine(TempDir dir, ModelProto model)
    {
        File.WriteAllBytes(dir.File("in.onnx"), Google.Protobuf.MessageExtensions.ToByteArray(model));
        var result = ModelOptimizer.Optimize(new OptimizeRequest { ModelPath = dir.File("in.onnx"), OutputPath = dir.File("out.onnx"), TargetId = "rpi5", Precision = "auto" });
        return (result, Onnx.ModelFile.Load(dir.File("out.onnx")));
    }

    [Fact]
    public void An_affine_and_a_hard_swish_chain_after_a_conv_become_a_conv_and_one_hard_swish()
    {
        using var dir = new TempDir();
        var model = ConvAffineHardSwish(opset: 11);

        var (result, output) = OneLine(dir, model);

        Assert.Contains(PlanStepIds.FoldAndFuse, result.ExecutedSteps);
        Assert.Contains(result.Notes, n => n.Contains("hardswish-fusion 1", StringComparison.Ordinal) && n.Contains("affine-folding 2", StringComparison.Ordinal));
        Assert.Equal(["Conv", "HardSwish"], output.Graph.Node.Where(n => n.OpType is not ("Cast" or "Mul")).Select(n => n.OpType)); // Cast→Mul: the compressed weight
        Assert.Equal(14, output.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        var x = OrtRun.Random(16 * 12 * 12, 3);
        var expected = OrtRun.Run(model, ("x", x, [1, 16, 12, 12]))["y"];
        var actual = OrtRun.Run(output, ("x", x, [1, 16, 12, 12]))["y"];
        var noise = expected.Zip(actual, (e, a) => (double)(e - a) * (e - a)).Sum();
        var signal = expected.Sum(e => (double)e * e);
        Assert.True(10 * Math.Log10(signal / noise) > 30, $"{10 * Math.Log10(signal / noise):F1} dB against the original");
    }

    [Fact]
    public void A_model_no_rewrite_changes_keeps_its_opset()
    {
        using var dir = new TempDir();
        var model = new ModelBuilder(11)
            .Input("x", DType.Float, 1, 16, 12, 12)
            .Initializer("w", OrtRun.Random(16 * 16 * 9, 1), 16, 16, 3, 3)
            .Node("Conv", ["x", "w"], ["c"])
            .Node("Relu", ["c"], ["y"])
            .Output("y", DType.Float, 1, 16, 10, 10)
            .Build();

        var (result, output) = OneLine(dir, model);

        Assert.Contains(PlanStepIds.FoldAndFuse, result.ExecutedSteps);
        Assert.DoesNotContain(result.Notes, n => n.Contains("float rewrites", StringComparison.Ordinal));
        Assert.Equal(11, output.OpsetImport.Single(o => o.Domain.Length == 0).Version);
    }
}
