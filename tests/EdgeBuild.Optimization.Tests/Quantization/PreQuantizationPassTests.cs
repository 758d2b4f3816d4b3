using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>The rewrites run before quantization, each checked numerically against the float model in ONNX Runtime.</summary>
public class PreQuantizationPassTests
{
    private static readonly long[] Shape = [1, 4, 6, 6];

    private static void AssertSameOutputs(ModelProto before, ModelProto after, long[] inputShape, float tolerance = 1e-4f)
    {
        var input = OrtRun.Random((int)inputShape.Aggregate(1L, (a, b) => a * b), seed: 5).Select(v => v * 5).ToArray();
        var expected = OrtRun.Run(before, ("x", input, inputShape))["y"];
        var actual = OrtRun.Run(after, ("x", input, inputShape))["y"];
        OrtRun.AssertClose(expected, actual, tolerance);
    }

    [Fact]
    public void Scalar_and_per_channel_mul_add_after_conv_fold_into_its_weights_and_bias()
    {
        var model = new ModelBuilder(13)
            .Input("x", DType.Float, 1, 4, 6, 6)
            .Initializer("w", OrtRun.Random(6 * 2 * 3 * 3, 1), 6, 2, 3, 3)
            .Initializer("b", OrtRun.Random(6, 2), 6)
            .Initializer("c", [1.7f], 1)
            .Initializer("d", [-0.3f], 1)
            .Initializer("e", OrtRun.Random(6, 3), 1, 6, 1, 1)
            .Node("Conv", ["x", "w", "b"], ["conv"], Attributes.Int("group", 2), Attributes.Ints("pads", 1, 1, 1, 1))
            .Node("Mul", ["c", "conv"], ["scaled"])
            .Node("Add", ["scaled", "d"], ["shifted"])
            .Node("Mul", ["shifted", "e"], ["y"])
            .Output("y", DType.Float, 1, 6, 6, 6)
            .Build();

        var (folded, changes) = PassRunner.Apply(new AffineFoldingPass(), model);

        Assert.Equal(3, changes);
        Assert.Equal(["Conv"], PassRunner.OpTypes(folded));
        AssertSameOutputs(model, folded, Shape);
    }

    [Fact]
    public void Conv_transpose_bias_add_folds_along_its_output_channel_axis()
    {
        var model = new ModelBuilder(13)
            .Input("x", DType.Float, 1, 4, 3, 3)
            .Initializer("w", OrtRun.Random(4 * 3 * 2 * 2, 4), 4, 3, 2, 2)
            .Initializer("b", OrtRun.Random(6, 5), 1, 6, 1, 1)
            .Node("ConvTranspose", ["x", "w"], ["t"], Attributes.Int("group", 2), Attributes.Ints("strides", 2, 2))
            .Node("Add", ["t", "b"], ["y"])
            .Output("y", DType.Float, 1, 6, 6, 6)
            .Build();

        var (folded, changes) = PassRunner.Apply(new AffineFoldingPass(), model);

        Assert.Equal(1, changes);
        Assert.Equal(["ConvTranspose"], PassRunner.OpTypes(folded));
        AssertSameOutputs(model, folded, [1, 4, 3, 3]);
    }

    [Fact]
    public void Scalar_mul_add_before_an_unpadded_conv_fold_forward_but_the_add_stays_before_a_padded_one()
    {
        ModelProto Build(long pad) => new ModelBuilder(13)
            .Input("x", DType.Float, 1, 4, 6, 6)
            .Initializer("c", [0.8f], 1)
            .Initializer("d", [0.25f], 1)
            .Initializer("w", OrtRun.Random(5 * 4 * 3 * 3, 6), 5, 4, 3, 3)
            .Initializer("b", OrtRun.Random(5, 7), 5)
            .Node("Relu", ["x"], ["r"])
            .Node("Mul", ["r", "c"], ["m"])
            .Node("Add", ["m", "d"], ["a"])
            .Node("Conv", ["a", "w", "b"], ["y"], Attributes.Ints("pads", pad, pad, pad, pad))
            .Output("y", DType.Float, 1, 5, 6 - 2 + (2 * pad), 6 - 2 + (2 * pad))
            .Build();

        var unpadded = Build(0);
        var (folded, changes) = PassRunner.Apply(new AffineFoldingPass(), unpadded);
        Assert.Equal(2, changes);
        Assert.Equal(["Relu", "Conv"], PassRunner.OpTypes(folded));
        AssertSameOutputs(unpadded, folded, Shape);

        var padded = Build(1);
        var (kept, keptChanges) = PassRunner.Apply(new AffineFoldingPass(), padded);
        Assert.Equal(0, keptChanges); // the Add must stay (padding), so the Mul before it has no Conv reader either
        AssertSameOutputs(padded, kept, Shape);
    }

    [Fact]
    public void Conv_output_read_twice_is_left_alone()
    {
        var model = new ModelBuilder(13)
            .Input("x", DType.Float, 1, 4, 6, 6)
            .Initializer("w", OrtRun.Random(4 * 4, 8), 4, 4, 1, 1)
            .Initializer("c", [2f], 1)
            .Node("Conv", ["x", "w"], ["conv"])
            .Node("Mul", ["conv", "c"], ["m"])
            .Node("Add", ["m", "conv"], ["y"])
            .Output("y", DType.Float, 1, 4, 6, 6)
            .Build();

        var (_, changes) = PassRunner.Apply(new AffineFoldingPass(), model);

        Assert.Equal(0, changes);
    }

    private static ModelProto HardSwishChain(bool divide) =>
        new ModelBuilder(13)
            .Input("x", DType.Float, 1, 4, 6, 6)
            .Initializer("three", [3f])
            .Initializer("zero", [0f])
            .Initializer("six", [6f])
            .Initializer("sixth", [1f / 6f])
            .Node("Add", ["x", "three"], ["shifted"])
            .Node("Clip", ["shifted", "zero", "six"], ["clipped"])
            .Node("Mul", ["x", "clipped"], ["product"])
            .Node(divide ? "Div" : "Mul", ["product", divide ? "six" : "sixth"], ["y"])
            .Output("y", DType.Float, 1, 4, 6, 6)
            .Build();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hard_swish_chain_becomes_one_hardswish_node_at_opset_14(bool divide)
    {
        var model = HardSwishChain(divide);

        var (fused, changes) = PassRunner.Apply(new HardSwishFusionPass(), model);

        Assert.Equal(1, changes);
        Assert.Equal(["HardSwish"], PassRunner.OpTypes(fused));
        Assert.Equal(14, fused.OpsetImport.Single(o => o.Domain == "").Version);
        AssertSameOutputs(model, fused, Shape, 1e-5f);
    }

    [Fact]
    public void Clip_bounds_other_than_0_and_6_are_not_hard_swish()
    {
        var model = HardSwishChain(divide: true);
        model.Graph.Initializer.Single(t => t.Name == "six").RawData = Tensors.FromFloats("six", [5f]).RawData;

        var (same, changes) = PassRunner.Apply(new HardSwishFusionPass(), model);

        Assert.Equal(0, changes);
        Assert.Equal(13, same.OpsetImport.Single(o => o.Domain == "").Version);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Channel_equalization_rescales_conv_pairs_without_changing_the_float_result(bool depthwise)
    {
        // Channels of very different widths: the case equalization exists for.
        var w1 = OrtRun.Random(4 * 4, 9).Select((v, i) => v * (i / 4 + 1) * (i / 4 + 1) * 3).ToArray();
        var model = new ModelBuilder(13)
            .Input("x", DType.Float, 1, 4, 6, 6)
            .Initializer("w1", w1, 4, 4, 1, 1)
            .Initializer("b1", OrtRun.Random(4, 10), 4)
            .Initializer("w2", OrtRun.Random(depthwise ? 4 * 9 : 3 * 4 * 9, 11), depthwise ? 4 : 3, depthwise ? 1 : 4, 3, 3)
            .Node("Conv", ["x", "w1", "b1"], ["c"])
            .Node("Relu", ["c"], ["r"])
            .Node("Conv", ["r", "w2"], ["y"], Attributes.Int("group", depthwise ? 4 : 1), Attributes.Ints("pads", 1, 1, 1, 1))
            .Output("y", DType.Float, 1, depthwise ? 4 : 3, 6, 6)
            .Build();
        using var dir = new TempDir();
        var samples = SampleSource.Open(Npy.RandomSamples(dir, "cal", 4, Shape), SampleSource.InputsOf(model), null);
        var equalized = model.Clone();

        var changes = ChannelEqualization.Run(equalized, new OnnxGraph(equalized.Graph), samples, new PassContext(equalized));

        Assert.Equal(1, changes);
        Assert.NotEqual(Tensors.ToFloatArray(model.Graph.Initializer.Single(t => t.Name == "w1")),
            Tensors.ToFloatArray(equalized.Graph.Initializer.Single(t => t.Name == equalized.Graph.Node[0].Input[1])));
        AssertSameOutputs(model, equalized, Shape, 1e-4f);
    }
}
