using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Compression;

public class Int4MatMulQuantizerTests
{
    // K = 80 is not a multiple of the block size: the last block of each column is padded.
    private const int K = 80, N = 24;

    private static ModelProto MatMul(float[] weight) => new ModelBuilder()
        .Input("x", DType.Float, 2, 3, K)
        .Initializer("w", weight, K, N)
        .Node("MatMul", ["x", "w"], ["y"], name: "proj", domain: "")
        .Output("y", DType.Float, 2, 3, N)
        .Build();

    [Theory]
    [InlineData(true, 32)]
    [InlineData(false, 32)]
    [InlineData(true, 16)]
    public void MatMul_becomes_MatMulNBits_that_ORT_computes_as_the_reference_dequantization(bool symmetric, int blockSize)
    {
        var weight = OrtRun.Random(K * N, 11);
        var model = MatMul(weight);
        var q = model.Clone();

        // accuracy_level 0: ORT computes in float, so it must match the reference dequantization exactly.
        var converted = Int4MatMulQuantizer.Run(q, new PassContext(q), blockSize, symmetric, accuracyLevel: 0);

        Assert.Equal(1, converted);
        var node = q.Graph.Node.Single();
        Assert.Equal(("MatMulNBits", "com.microsoft", "proj"), (node.OpType, node.Domain, node.Name));
        Assert.Equal([K, N, 4, blockSize], new[] { "K", "N", "bits", "block_size" }.Select(a => Attributes.GetInt(node, a, -1)));
        Assert.Equal(symmetric ? 3 : 4, node.Input.Count);
        Assert.DoesNotContain(q.Graph.Initializer, t => t.Name == "w");
        var packed = q.Graph.Initializer.Single(t => t.Name == node.Input[1]);
        Assert.Equal([(long)N, (K + blockSize - 1) / blockSize, blockSize / 2], packed.Dims);

        var x = OrtRun.Random(2 * 3 * K, 12);
        var actual = OrtRun.Run(q, ("x", x, [2, 3, K]))["y"];
        var reference = Int4BlockQuantization.Quantize(weight, K, N, blockSize, symmetric).Dequantize();
        var expected = OrtRun.Run(MatMul(reference), ("x", x, [2, 3, K]))["y"];
        OrtRun.AssertClose(expected, actual, 1e-4f);

        // Against the float weights: 4-bit blocks cost accuracy, but stay well correlated (~20 dB on uniform weights).
        var exact = OrtRun.Run(model, ("x", x, [2, 3, K]))["y"];
        Assert.True(Sqnr(exact, actual) > 15, $"SQNR {Sqnr(exact, actual):F1} dB");

        // The default accuracy_level 4 (int8 dot products for A) stays close to the float-compute result.
        var fast = model.Clone();
        Int4MatMulQuantizer.Run(fast, new PassContext(fast), blockSize, symmetric);
        Assert.Equal(4, Attributes.GetInt(fast.Graph.Node.Single(), "accuracy_level", -1));
        Assert.True(Sqnr(actual, OrtRun.Run(fast, ("x", x, [2, 3, K]))["y"]) > 30);
    }

    [Fact]
    public void Codes_are_packed_low_nibble_first_along_K_with_the_zero_point_code_as_padding()
    {
        // One column, K = 20 → one block of 32: codes for k = 0..19, padding with 8 (the symmetric zero point).
        var weight = Enumerable.Range(0, 20).Select(k => (k % 15 - 7) / 7f).ToArray(); // absmax 1 → scale 1/7
        var q = Int4BlockQuantization.Quantize(weight, 20, 1, 32, symmetric: true);

        Assert.Equal(1f / 7, q.Scales.Single(), 6);
        Assert.Null(q.PackedZeroPoints);
        Assert.Equal(16, q.Packed.Length);
        Assert.Equal((byte)(1 | (2 << 4)), q.Packed[0]); // k=0 → -7+8 = 1 (low), k=1 → -6+8 = 2 (high)
        Assert.Equal((byte)(8 | (8 << 4)), q.Packed[15]); // padding
        Assert.Equal(weight, q.Dequantize().Select(v => MathF.Round(v * 7) / 7).ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gemm_with_transB_alpha_beta_and_bias_becomes_MatMulNBits_with_a_bias(bool symmetric)
    {
        var w = OrtRun.Random(24 * 64, 21);
        var model = new ModelBuilder()
            .Input("x", DType.Float, 3, 64)
            .Initializer("w", w, 24, 64)
            .Initializer("c", OrtRun.Random(24, 22), 24)
            .Node("Gemm", ["x", "w", "c"], ["y"], Attributes.Int("transB", 1), Attributes.Float("alpha", 0.5f), Attributes.Float("beta", 2f))
            .Output("y", DType.Float, 3, 24)
            .Build();
        var q = model.Clone();

        Assert.Equal(1, Int4MatMulQuantizer.Run(q, new PassContext(q), 32, symmetric, accuracyLevel: 0));

        var node = q.Graph.Node.Single();
        Assert.Equal("MatMulNBits", node.OpType);
        Assert.Equal(6, node.Input.Count); // A, B, scales, zero_points or "", g_idx "", bias
        Assert.Equal("", node.Input[4]);
        Assert.DoesNotContain(q.Graph.Initializer, t => t.Name is "w" or "c");
        var x = OrtRun.Random(3 * 64, 23);
        var exact = OrtRun.Run(model, ("x", x, [3, 64]))["y"];
        var actual = OrtRun.Run(q, ("x", x, [3, 64]))["y"];
        Assert.True(Sqnr(exact, actual) > 15, $"SQNR {Sqnr(exact, actual):F1} dB");
    }

    [Fact]
    public void Non_constant_weights_and_Conv_stay_float_and_bad_block_sizes_are_refused()
    {
        var model = new ModelBuilder()
            .Input("a", DType.Float, 4, 8)
            .Input("b", DType.Float, 8, 4)
            .Node("MatMul", ["a", "b"], ["y"])
            .Output("y", DType.Float, 4, 4)
            .Build();
        var context = new PassContext(model);

        Assert.Equal(0, Int4MatMulQuantizer.Run(model, context));
        Assert.Equal("MatMul", model.Graph.Node.Single().OpType);
        Assert.Contains(context.Notes, n => n.Contains("1 kept in float"));
        Assert.Throws<ArgumentException>(() => Int4BlockQuantization.Quantize(new float[64], 64, 1, 24, true));
    }

    internal static double Sqnr(float[] reference, float[] actual)
    {
        double signal = 0, noise = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            signal += reference[i] * (double)reference[i];
            noise += (reference[i] - actual[i]) * (double)(reference[i] - actual[i]);
        }

        return 10 * Math.Log10(signal / noise);
    }
}
