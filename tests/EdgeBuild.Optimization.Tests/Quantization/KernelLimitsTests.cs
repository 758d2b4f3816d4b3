using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// Nodes whose requantization parameters ONNX Runtime's integer kernel refuses (MLAS QLinearGlobalAveragePool:
/// x_scale / (y_scale · image size) outside [2^-32, 256), or an image size of 2^24 or more) stay float, so the
/// quantized model runs instead of failing in ORT with "parameter out of computation range".
/// </summary>
public class KernelLimitsTests
{
    private const int Channels = 4, Side = 8;

    /// <summary>x → GlobalAveragePool → Conv → Conv → y: the pool's input and output both get pairs (the Conv after it is quantized).</summary>
    private static ModelProto PoolThenConvs() => new ModelBuilder()
        .Input("x", DType.Float, 1, Channels, Side, Side)
        .Node("GlobalAveragePool", ["x"], ["p"], name: "gap")
        .Initializer("w1", OrtRun.Random(Channels * Channels, 1), Channels, Channels, 1, 1)
        .Node("Conv", ["p", "w1"], ["c"])
        .Initializer("w2", OrtRun.Random(2 * Channels, 2), 2, Channels, 1, 1)
        .Node("Conv", ["c", "w2"], ["y"])
        .Output("y", DType.Float, 1, 2, 1, 1)
        .Build();

    /// <summary>
    /// Samples whose channels are a ±1 checkerboard plus <paramref name="imbalance"/> on one pixel: the pool's input
    /// spans about [-1, 1] while its output (the mean) is only imbalance/64, so x_scale / (y_scale · 64) ≈ 2 / imbalance.
    /// </summary>
    private static string CheckerboardSamples(TempDir dir, string folder, float imbalance)
    {
        var path = Directory.CreateDirectory(dir.File(folder)).FullName;
        for (var s = 0; s < 3; s++)
        {
            var data = new float[Channels * Side * Side];
            for (var c = 0; c < Channels; c++)
            {
                for (var i = 0; i < Side * Side; i++) data[c * Side * Side + i] = ((i / Side + i % Side) % 2 == 0 ? 1f : -1f) * (1 + s * 0.1f);
                data[c * Side * Side] += imbalance * (c + 1);
            }

            Npy.Write(Path.Combine(path, $"s{s}.npy"), data, 1, Channels, Side, Side);
        }

        return path;
    }

    private static QuantizationSummary Quantize(ModelProto model, string samples) =>
        QdqQuantizer.Quantize(model, SampleSource.Open(samples, SampleSource.InputsOf(model), null), new QuantizationOptions());

    /// <summary>Runs the model as EdgeBuild's verification and the device do: every ORT rewrite on, so DQ→op→Q fuses.</summary>
    private static void RunFused(ModelProto model, long[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var input = session.InputMetadata.Keys.Single();
        using var value = OrtValue.CreateTensorValueFromMemory(OrtRun.Random((int)shape.Aggregate(1L, (a, b) => a * b), 7), shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [input], [value], session.OutputMetadata.Keys.ToList());
    }

    [Fact]
    public void A_global_average_pool_whose_requantization_ratio_is_out_of_range_stays_float_and_the_model_runs()
    {
        using var dir = new TempDir();
        var model = PoolThenConvs();

        var summary = Quantize(model, CheckerboardSamples(dir, "cal", imbalance: 1e-3f));

        var kept = Assert.Single(summary.KeptFloat);
        Assert.Equal(("gap", "GlobalAveragePool"), (kept.Node, kept.OpType));
        Assert.Contains("outside ONNX Runtime's [2^-32, 256)", kept.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("gap", summary.QuantizedNodes);
        // No Q after the pool: ORT finds no DQ→GlobalAveragePool→Q to fuse into QLinearGlobalAveragePool.
        var g = new OnnxGraph(model.Graph);
        Assert.DoesNotContain(g.Consumers("p"), n => n.OpType == "QuantizeLinear");
        RunFused(model, [1, Channels, Side, Side]);
    }

    [Fact]
    public void The_same_pool_with_an_ordinary_ratio_is_quantized()
    {
        using var dir = new TempDir();
        var model = PoolThenConvs();

        // imbalance 0.1: ratio ≈ 20, well inside the kernel's range.
        var summary = Quantize(model, CheckerboardSamples(dir, "cal", imbalance: 0.1f));

        Assert.Empty(summary.KeptFloat);
        Assert.Contains("gap", summary.QuantizedNodes);
        var g = new OnnxGraph(model.Graph);
        Assert.Contains(g.Consumers("p"), n => n.OpType == "QuantizeLinear");
        RunFused(model, [1, Channels, Side, Side]);
    }

    private static NodeProto Node(string opType, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = "n" };
        node.Input.Add("x");
        node.Output.Add("y");
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static TensorRange Shaped(params long[] shape) => new("x", DType.Float, -1, 1) { Shape = shape };

    [Theory]
    [InlineData(255.9f, false)]
    [InlineData(256f, true)]
    [InlineData(1e-9f, false)] // 2^-32 ≈ 2.3e-10
    [InlineData(2e-10f, true)]
    public void The_limits_are_mlas_bounds_on_x_scale_over_y_scale_times_image_size(float ratio, bool refused)
    {
        // Image size 6 × 32 = 192, as in the PP-OCR classifier's last pool; y_scale 1, x_scale = ratio · 192.
        var x = new QuantParams(ratio * 192, 0, true);
        var y = new QuantParams(1f, 0, true);

        var reason = KernelLimits.Refusal(Node("GlobalAveragePool"), x, y, Shaped(1, 8, 6, 32));

        Assert.Equal(refused, reason is not null);
    }

    [Fact]
    public void An_image_of_2_to_the_24_elements_is_refused_and_an_unknown_size_is_checked_at_both_ends()
    {
        var p = new QuantParams(1f, 0, true);
        Assert.NotNull(KernelLimits.Refusal(Node("GlobalAveragePool"), p, p, Shaped(1, 1, 4096, 4096)));
        Assert.Null(KernelLimits.Refusal(Node("GlobalAveragePool"), p, p, Shaped(1, 1, 4095, 4096)));
        // Shape unknown: the ratio 1/256 passes at image size 1 but not at 2^24 - 1, so it is refused.
        Assert.Null(KernelLimits.Refusal(Node("GlobalAveragePool"), p, p, null));
        Assert.NotNull(KernelLimits.Refusal(Node("GlobalAveragePool"), new QuantParams(1f / 512, 0, true), p, null));
    }

    [Fact]
    public void Infinite_scales_are_judged_as_mlas_judges_them()
    {
        var finite = new QuantParams(1.057e36f, 0, true);
        var infinite = new QuantParams(float.PositiveInfinity, 0, true);
        var gap = Node("GlobalAveragePool");
        var shape = Shaped(1, 200, 12, 24);

        // The bit-flipped classifier's p2o.GlobalAveragePool.4: 1.057e36 / (∞ · 288) = 0, below 2^-32: refused.
        Assert.NotNull(KernelLimits.Refusal(gap, finite, infinite, shape));
        Assert.NotNull(KernelLimits.Refusal(gap, infinite, finite, shape));
        // ∞ / ∞ is NaN, which passes MLAS's comparisons: ORT runs it, so it is not refused.
        Assert.Null(KernelLimits.Refusal(gap, infinite, infinite, shape));
    }

    [Fact]
    public void An_average_pool_is_limited_only_when_its_kernel_covers_the_unpadded_input()
    {
        var y = new QuantParams(1f, 0, true);
        var x = new QuantParams(1000f, 0, true); // 1000 / (1 · 4) = 250: accepted
        var big = new QuantParams(4 * 256f, 0, true); // 1024 / (1 · 4) = 256: refused
        var whole = Node("AveragePool", Attributes.Ints("kernel_shape", 2, 2));

        // Kernel 2×2 over a 2×2 input: ORT's QLinearAveragePool calls the global kernel with image size 4.
        Assert.NotNull(KernelLimits.Refusal(whole, big, y, Shaped(1, 3, 2, 2)));
        Assert.Null(KernelLimits.Refusal(whole, x, y, Shaped(1, 3, 2, 2)));
        // Kernel 2×2 over an 8×8 input, or padded: the general path dequantizes to float, no limit.
        Assert.Null(KernelLimits.Refusal(whole, big, y, Shaped(1, 3, 8, 8)));
        Assert.Null(KernelLimits.Refusal(Node("AveragePool", Attributes.Ints("kernel_shape", 2, 2), Attributes.Ints("pads", 1, 1, 1, 1)), big, y, Shaped(1, 3, 2, 2)));
        // Other ops have no such limit.
        Assert.Null(KernelLimits.Refusal(Node("Sigmoid"), big, y, Shaped(1, 3, 2, 2)));
    }
}
