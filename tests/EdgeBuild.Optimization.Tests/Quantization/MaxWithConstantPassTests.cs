using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Quantization;

public class MaxWithConstantPassTests
{
    /// <summary>Conv → LeakyRelu(0.2) → Max(·, floor) → Conv: how TF exports openWakeWord's "leaky relu floored at −0.4".</summary>
    private static ModelProto FlooredLeakyRelu(long[] floorDims) => new ModelBuilder()
        .Input("x", DType.Float, 1, 3, 8, 8)
        .Initializer("w", OrtRun.Random(4 * 3 * 3 * 3, 1), 4, 3, 3, 3)
        .Initializer("b", OrtRun.Random(4, 2), 4)
        .Node("Conv", ["x", "w", "b"], ["c"], Attributes.Ints("pads", 1, 1, 1, 1))
        .Node("LeakyRelu", ["c"], ["l"], Attributes.Float("alpha", 0.2f))
        .Initializer("floor", [-0.4f], floorDims)
        .Node("Max", ["l", "floor"], ["m"])
        .Initializer("w2", OrtRun.Random(2 * 4, 3), 2, 4, 1, 1)
        .Node("Conv", ["m", "w2"], ["c2"])
        .Node("GlobalAveragePool", ["c2"], ["y"]) // so the second Conv is not the graph output's producer (that stays float)
        .Output("y", DType.Float, 1, 2, 1, 1)
        .Build();

    [Fact]
    public void Max_with_a_one_element_constant_becomes_an_exact_clip()
    {
        var model = FlooredLeakyRelu([1, 1, 1, 1]);

        var (result, changes) = PassRunner.Apply(new MaxWithConstantPass(), model);

        Assert.Equal(1, changes);
        Assert.Equal(["Conv", "LeakyRelu", "Clip", "Conv", "GlobalAveragePool"], PassRunner.OpTypes(result));
        var x = OrtRun.Random(3 * 64, seed: 5).Select(v => v * 4).ToArray();
        Assert.Equal(OrtRun.Run(model, ("x", x, [1, 3, 8, 8]))["y"], OrtRun.Run(result, ("x", x, [1, 3, 8, 8]))["y"]);
    }

    [Fact]
    public void Max_of_two_tensors_or_with_a_floor_of_unknown_broadcast_rank_stays()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer("floor", [0f], 1, 1, 1)
            .Node("Max", ["x", "x"], ["a"])
            .Node("Max", ["a", "floor"], ["y"]) // rank of "a" unknown here: [1,1,1] could broadcast [2,4] to [1,2,4]
            .Output("y", DType.Float, 1, 2, 4)
            .Build();

        var (_, changes) = PassRunner.Apply(new MaxWithConstantPass(), model);

        Assert.Equal(0, changes);
    }

    [Fact]
    public void The_floored_leaky_relu_quantizes_to_integer_kernels_only()
    {
        using var dir = new TempDir();
        var model = FlooredLeakyRelu([1, 1, 1, 1]);
        var samples = SampleSource.Open(Npy.RandomSamples(dir, "cal", 8, [1, 3, 8, 8]), SampleSource.InputsOf(model), null);
        var quantized = model.Clone();

        QdqQuantizer.Quantize(quantized, samples, new QuantizationOptions { SignedActivations = false });

        // The Clip's Q starts at or above −0.4, so ORT removes the Clip into it, and DQ → LeakyRelu → Q becomes
        // QLinearLeakyRelu: nothing float is left between the two QLinearConv.
        var g = new OnnxGraph(quantized.Graph);
        var clip = g.Nodes.Single(n => n.OpType == "Clip");
        var q = Assert.Single(g.Consumers(clip.Output[0]));
        var scale = Tensors.ToFloatArray(g.Initializer(q.Input[1])!)[0];
        var zeroPoint = Tensors.ToArray<byte>(g.Initializer(q.Input[2])!)[0];
        Assert.InRange(scale * (0 - zeroPoint), -0.4f, -0.4f + scale); // not below the floor, and within one step of it
        var fused = OrtOptimizedGraph.Of(quantized, int8Activations: false).Node.Select(n => n.OpType).ToList();
        Assert.Equal(2, fused.Count(t => t == "QLinearConv"));
        Assert.Contains("QLinearLeakyRelu", fused);
        Assert.DoesNotContain("Clip", fused);
        Assert.DoesNotContain("LeakyRelu", fused);
    }
}
