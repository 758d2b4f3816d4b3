using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Passes;

public class BatchNormFoldingPassTests
{
    private static ModelBuilder WithBatchNorm(ModelBuilder builder, int channels, string input, string output) => builder
        .Initializer("bn_scale", OrtRun.Random(channels, 11).Select(v => v + 1.5f).ToArray(), channels)
        .Initializer("bn_bias", OrtRun.Random(channels, 12), channels)
        .Initializer("bn_mean", OrtRun.Random(channels, 13), channels)
        .Initializer("bn_var", OrtRun.Random(channels, 14).Select(v => v + 1.2f).ToArray(), channels)
        .Node("BatchNormalization", [input, "bn_scale", "bn_bias", "bn_mean", "bn_var"], [output], name: "bn", attributes: Attributes.Float("epsilon", 1e-3f));

    private static void AssertFoldedAndEqual(ModelProto model, string producerOp, long[] inputShape)
    {
        var (folded, changes) = PassRunner.Apply(new BatchNormFoldingPass(), model);

        Assert.Equal(1, changes);
        Assert.Equal([producerOp], PassRunner.OpTypes(folded));
        var input = OrtRun.Random((int)inputShape.Aggregate(1L, (a, b) => a * b), seed: 3);
        var expected = OrtRun.Run(model, ("x", input, inputShape))["y"];
        var actual = OrtRun.Run(folded, ("x", input, inputShape))["y"];
        OrtRun.AssertClose(expected, actual, 1e-4f);
    }

    [Fact]
    public void Folds_into_conv_with_and_without_bias()
    {
        foreach (var withBias in new[] { true, false })
        {
            var builder = new ModelBuilder()
                .Input("x", DType.Float, 1, 4, 6, 6)
                .Initializer("w", OrtRun.Random(6 * 2 * 3 * 3, 21), 6, 2, 3, 3);
            if (withBias) builder.Initializer("b", OrtRun.Random(6, 22), 6);
            builder.Node("Conv", withBias ? ["x", "w", "b"] : ["x", "w"], ["c"], Attributes.Int("group", 2), Attributes.Ints("pads", 1, 1, 1, 1));
            var model = WithBatchNorm(builder, 6, "c", "y").Output("y", DType.Float, 1, 6, 6, 6).Build();

            AssertFoldedAndEqual(model, "Conv", [1, 4, 6, 6]);
        }
    }

    [Fact]
    public void Folds_into_grouped_conv_transpose()
    {
        var builder = new ModelBuilder()
            .Input("x", DType.Float, 1, 4, 5, 5)
            .Initializer("w", OrtRun.Random(4 * 3 * 2 * 2, 31), 4, 3, 2, 2)
            .Initializer("b", OrtRun.Random(6, 32), 6)
            .Node("ConvTranspose", ["x", "w", "b"], ["c"], Attributes.Int("group", 2), Attributes.Ints("strides", 2, 2));
        var model = WithBatchNorm(builder, 6, "c", "y").Output("y", DType.Float, 1, 6, 10, 10).Build();

        AssertFoldedAndEqual(model, "ConvTranspose", [1, 4, 5, 5]);
    }

    [Fact]
    public void Folds_into_gemm_with_either_weight_layout()
    {
        foreach (var transB in new[] { 0L, 1L })
        {
            var builder = new ModelBuilder()
                .Input("x", DType.Float, 3, 4)
                .Initializer("w", OrtRun.Random(20, 41), transB == 1 ? [5, 4] : [4, 5])
                .Initializer("c", OrtRun.Random(5, 42), 5)
                .Node("Gemm", ["x", "w", "c"], ["g"], Attributes.Int("transB", transB), Attributes.Float("alpha", 0.7f), Attributes.Float("beta", 1.3f));
            var model = WithBatchNorm(builder, 5, "g", "y").Output("y", DType.Float, 3, 5).Build();

            AssertFoldedAndEqual(model, "Gemm", [3, 4]);
        }
    }

    [Fact]
    public void Leaves_batchnorm_whose_input_has_other_readers()
    {
        var builder = new ModelBuilder()
            .Input("x", DType.Float, 1, 2, 3, 3)
            .Initializer("w", OrtRun.Random(2 * 2, 51), 2, 2, 1, 1)
            .Node("Conv", ["x", "w"], ["c"])
            .Node("Relu", ["c"], ["r"]);
        var model = WithBatchNorm(builder, 2, "c", "y").Output("y", DType.Float, 1, 2, 3, 3).Output("r", DType.Float, 1, 2, 3, 3).Build();

        var (_, changes) = PassRunner.Apply(new BatchNormFoldingPass(), model);

        Assert.Equal(0, changes);
    }
}
