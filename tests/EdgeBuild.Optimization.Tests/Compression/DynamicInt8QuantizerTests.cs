using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Compression;

public class DynamicInt8QuantizerTests
{
    private static readonly DynamicInt8Quantizer.Options PerChannel = new();

    [Fact]
    public void MatMul_becomes_DynamicQuantizeMatMul_and_Conv_is_never_touched()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 2, 8, 8)
            .Initializer("cw", OrtRun.Random(2 * 2 * 3 * 3, 1), 2, 2, 3, 3)
            .Node("Conv", ["x", "cw"], ["c"], Attributes.Ints("pads", 1, 1, 1, 1))
            .Initializer("w", OrtRun.Random(8 * 16, 2), 8, 16)
            .Node("MatMul", ["c", "w"], ["y"], name: "fc", domain: "")
            .Output("y", DType.Float, 1, 2, 8, 16)
            .Build();
        var q = model.Clone();

        Assert.Equal(1, DynamicInt8Quantizer.Run(q, new PassContext(q), PerChannel));

        Assert.Equal(["Conv", "DynamicQuantizeMatMul"], q.Graph.Node.Select(n => n.OpType));
        Assert.Equal("cw", q.Graph.Node[0].Input[1]);
        var fc = q.Graph.Node[1];
        Assert.Equal(("com.microsoft", "fc"), (fc.Domain, fc.Name));
        var weights = q.Graph.Initializer.Single(t => t.Name == fc.Input[1]);
        Assert.Equal(DType.Int8, weights.DataType);
        Assert.Equal([16L], q.Graph.Initializer.Single(t => t.Name == fc.Input[2]).Dims); // one scale per output column

        var x = OrtRun.Random(128, 3);
        var expected = OrtRun.Run(model, ("x", x, [1, 2, 8, 8]))["y"];
        var actual = OrtRun.Run(q, ("x", x, [1, 2, 8, 8]))["y"];
        var sqnr = Int4MatMulQuantizerTests.Sqnr(expected, actual);
        Assert.True(sqnr > 30, $"SQNR {sqnr:F1} dB");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gemm_with_transB_alpha_beta_and_bias_keeps_its_result(bool perChannel)
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 3, 32)
            .Initializer("w", OrtRun.Random(20 * 32, 4), 20, 32)
            .Initializer("c", OrtRun.Random(20, 5), 20)
            .Node("Gemm", ["x", "w", "c"], ["y"], Attributes.Int("transB", 1), Attributes.Float("alpha", 0.5f), Attributes.Float("beta", 2f))
            .Output("y", DType.Float, 3, 20)
            .Build();
        var q = model.Clone();

        Assert.Equal(1, DynamicInt8Quantizer.Run(q, new PassContext(q), new DynamicInt8Quantizer.Options(PerChannel: perChannel)));

        var node = q.Graph.Node.Single();
        Assert.Equal(5, node.Input.Count); // A, B, b_scale, (no zero point), bias
        Assert.DoesNotContain(q.Graph.Initializer, t => t.Name is "w" or "c");
        var x = OrtRun.Random(96, 6);
        var expected = OrtRun.Run(model, ("x", x, [3, 32]))["y"];
        var actual = OrtRun.Run(q, ("x", x, [3, 32]))["y"];
        Assert.True(Int4MatMulQuantizerTests.Sqnr(expected, actual) > 28, $"SQNR {Int4MatMulQuantizerTests.Sqnr(expected, actual):F1} dB");
    }

    [Fact]
    public void Gemm_with_transA_or_a_per_row_bias_stays_float()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 8, 3)
            .Initializer("w", OrtRun.Random(8 * 4, 1), 8, 4)
            .Node("Gemm", ["x", "w"], ["y"], Attributes.Int("transA", 1))
            .Initializer("w2", OrtRun.Random(4 * 4, 2), 4, 4)
            .Initializer("c2", OrtRun.Random(12, 3), 3, 4)
            .Node("Gemm", ["y", "w2", "c2"], ["z"])
            .Output("z", DType.Float, 3, 4)
            .Build();
        var context = new PassContext(model);

        Assert.Equal(0, DynamicInt8Quantizer.Run(model, context, PerChannel));
        Assert.All(model.Graph.Node, n => Assert.Equal("Gemm", n.OpType));
        Assert.Contains(context.Notes, n => n.Contains("2 kept in float"));
    }
}
