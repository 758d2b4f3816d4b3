using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// Activation Q/DQ pairs that ONNX Runtime fuses into no integer kernel are removed; pairs that are part of a fused
/// DQ→op→Q group stay. Decided from ORT's own optimized graph, checked numerically through ORT.
/// </summary>
public class UnfusedActivationPairsTests
{
    private static readonly long[] InputShape = [1, 4, 8, 8];

    /// <summary>x → Conv "a" → c → [Q → DQ] → Conv "b" → y, every weight float.</summary>
    private static ModelProto TwoFloatConvs(bool withPair)
    {
        var builder = new ModelBuilder()
            .Input("x", DType.Float, 1, 4, 8, 8)
            .Initializer("wa", OrtRun.Random(8 * 4 * 9, 1), 8, 4, 3, 3)
            .Initializer("wb", OrtRun.Random(2 * 8 * 9, 2), 2, 8, 3, 3)
            .Node("Conv", ["x", "wa"], ["c"], "a", "", Attributes.Ints("pads", 1, 1, 1, 1));
        if (withPair)
        {
            builder.Initializer(Tensors.Scalar("s", 0.25f)).Initializer(Tensors.FromInt8s("z", [0]))
                .Node("QuantizeLinear", ["c", "s", "z"], ["cq"])
                .Node("DequantizeLinear", ["cq", "s", "z"], ["cd"]);
        }

        return builder
            .Node("Conv", [withPair ? "cd" : "c", "wb"], ["y"], "b", "", Attributes.Ints("pads", 1, 1, 1, 1))
            .Output("y", DType.Float, 1, 2, 8, 8)
            .Build();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_lone_pair_between_float_convs_is_removed_and_the_model_then_computes_the_float_result(bool int8Activations)
    {
        var model = TwoFloatConvs(withPair: true);
        var x = OrtRun.Random(4 * 64, 5).Select(v => v * 3f).ToArray();
        var floatResult = OrtRun.Run(TwoFloatConvs(withPair: false), ("x", x, InputShape))["y"];
        var withPair = OrtRun.Run(model, ("x", x, InputShape))["y"];
        Assert.True(withPair.Zip(floatResult).Max(p => Math.Abs(p.First - p.Second)) > 0.01f, "the pair rounds (else the test shows nothing)");

        var unfused = UnfusedActivationPairs.Find(OrtOptimizedGraph.Of(model, int8Activations));
        var removed = UnfusedActivationPairs.Remove(new OnnxGraph(model.Graph), unfused);

        Assert.Equal(["c"], removed);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "QuantizeLinear" or "DequantizeLinear");
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name is "s" or "z");
        OrtRun.AssertClose(floatResult, OrtRun.Run(model, ("x", x, InputShape))["y"], 1e-5f);
    }

    [Fact]
    public void A_pair_feeding_a_fused_conv_group_is_kept()
    {
        // x → Conv "first" (float activations on int8 weights) → c1 → Conv "big" → c2 → Relu → y (graph output): c1's
        // pair is big's DQ input and c2's its Q output, so ORT runs big as QLinearConv.
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 4, 8, 8)
            .Initializer("w1", OrtRun.Random(8 * 4 * 9, 1), 8, 4, 3, 3)
            .Node("Conv", ["x", "w1"], ["c1"], "first", "", Attributes.Ints("pads", 1, 1, 1, 1))
            .Initializer("w2", OrtRun.Random(16 * 8 * 9, 2), 16, 8, 3, 3)
            .Node("Conv", ["c1", "w2"], ["c2"], "big", "", Attributes.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", ["c2"], ["y"])
            .Output("y", DType.Float, 1, 16, 8, 8)
            .Build();
        using var dir = new TempDir();
        var path = Directory.CreateDirectory(dir.File("cal")).FullName;
        for (var s = 0; s < 4; s++) Npy.Write(Path.Combine(path, $"s{s}.npy"), OrtRun.Random(4 * 64, 100 + s), InputShape);
        var calibration = SampleSource.Open(path, SampleSource.InputsOf(model), null);
        QdqQuantizer.Quantize(model, calibration, new QuantizationOptions { FloatActivationNodes = new HashSet<string> { "first" }, IncludeOpTypes = new HashSet<string> { "Conv" } });
        var ortGraph = OrtOptimizedGraph.Of(model, int8Activations: true);
        Assert.Single(ortGraph.Node, n => n.OpType == "QLinearConv");
        var x = OrtRun.Random(4 * 64, 7);
        var before = OrtRun.Run(model, ("x", x, InputShape))["y"];

        var unfused = UnfusedActivationPairs.Find(ortGraph);
        var removed = UnfusedActivationPairs.Remove(new OnnxGraph(model.Graph), unfused);

        Assert.Empty(removed);
        Assert.Contains(model.Graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "c1");
        Assert.Single(OrtOptimizedGraph.Of(model, int8Activations: true).Node, n => n.OpType == "QLinearConv");
        Assert.Equal(before, OrtRun.Run(model, ("x", x, InputShape))["y"]);
    }
}
