using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Passes;

public class DefaultAttributesPassTests
{
    [Fact]
    public void Spelled_out_defaults_are_dropped_other_values_stay_and_outputs_are_bit_identical()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 3, 8, 8)
            .Initializer("w", OrtRun.Random(4 * 3 * 3 * 3, 1), 4, 3, 3, 3)
            .Initializer("w2", OrtRun.Random(4 * 1 * 3 * 3, 2), 4, 1, 3, 3)
            .Initializer("g", OrtRun.Random(4 * 5, 3), 4, 5)
            .Node("Conv", ["x", "w"], ["c"], name: "conv", attributes:
            [
                Attributes.Ints("dilations", 1, 1), Attributes.Ints("strides", 1, 1), Attributes.Ints("pads", 0, 0, 0, 0),
                Attributes.Int("group", 1), Attributes.Ints("kernel_shape", 3, 3),
            ])
            .Node("Conv", ["c", "w2"], ["d"], name: "depthwise", attributes:
            [
                Attributes.Int("group", 4), Attributes.Ints("pads", 1, 1, 1, 1), Attributes.Ints("strides", 2, 2), Attributes.Ints("kernel_shape", 3, 3),
            ])
            .Node("HardSigmoid", ["d"], ["h"], name: "hs", attributes: [Attributes.Float("alpha", 0.2f), Attributes.Float("beta", 0.6f)])
            .Node("GlobalAveragePool", ["h"], ["p"])
            .Node("Flatten", ["p"], ["f"])
            .Node("Gemm", ["f", "g"], ["y"], name: "fc", attributes:
            [
                Attributes.Float("alpha", 1f), Attributes.Float("beta", 1f), Attributes.Int("transA", 0), Attributes.Int("transB", 0),
            ])
            .Output("y", DType.Float, 1, 5)
            .Build();

        var (result, changes) = PassRunner.Apply(new DefaultAttributesPass(), model);

        Assert.Equal(5 + 1 + 1 + 4, changes);
        string[] Kept(string name) => result.Graph.Node.Single(n => n.Name == name).Attribute.Select(a => a.Name).Order().ToArray();
        Assert.Empty(Kept("conv"));
        Assert.Equal(["group", "pads", "strides"], Kept("depthwise"));
        Assert.Equal(["beta"], Kept("hs"));
        Assert.Empty(Kept("fc"));
        var x = OrtRun.Random(3 * 64, seed: 4);
        Assert.Equal(OrtRun.Run(model, ("x", x, [1, 3, 8, 8]))["y"], OrtRun.Run(result, ("x", x, [1, 3, 8, 8]))["y"]);
    }

    [Fact]
    public void Kernel_shape_stays_when_the_weight_shape_is_not_known_from_an_initializer()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 2, 4, 4)
            .Input("w", DType.Float, 2, 2, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], name: "conv", attributes: [Attributes.Ints("kernel_shape", 3, 3)])
            .Output("y", DType.Float, 1, 2, 2, 2)
            .Build();

        var (result, changes) = PassRunner.Apply(new DefaultAttributesPass(), model);

        Assert.Equal(0, changes);
        Assert.Equal("kernel_shape", result.Graph.Node[0].Attribute.Single().Name);
    }
}
