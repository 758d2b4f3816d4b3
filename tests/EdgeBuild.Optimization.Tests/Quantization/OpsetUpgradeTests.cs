using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>The opset-13 upgrade the int8 path starts with, checked numerically: ORT runs the opset-9 original and the upgrade.</summary>
public class OpsetUpgradeTests
{
    private static ModelProto Upgrade(ModelProto model)
    {
        var copy = model.Clone();
        OpsetUpgrade.To13(copy, new OnnxGraph(copy.Graph));
        return copy;
    }

    private static void AssertSameOutputs(ModelProto original, ModelProto upgraded, long[] shape)
    {
        var x = OrtRun.Random((int)shape.Aggregate(1L, (a, b) => a * b), seed: 81);
        var expected = OrtRun.Run(original, ("x", x, shape));
        var actual = OrtRun.Run(upgraded, ("x", x, shape));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected) OrtRun.AssertClose(values, actual[name], 1e-6f);
    }

    [Fact]
    public void Attributes_that_became_inputs_are_moved_and_outputs_stay_the_same()
    {
        var model = new ModelBuilder(opset: 9)
            .Input("x", DType.Float, 2, 3, 4)
            .Node("Clip", ["x"], ["clipped"], name: "clip", attributes: [Attributes.Float("min", -0.5f), Attributes.Float("max", 0.4f)])
            .Node("Slice", ["clipped"], ["sliced"], name: "slice", attributes: [Attributes.Ints("starts", 1), Attributes.Ints("ends", 3), Attributes.Ints("axes", 2)])
            .Node("Unsqueeze", ["sliced"], ["unsqueezed"], name: "unsqueeze", attributes: Attributes.Ints("axes", 0))
            .Node("Squeeze", ["unsqueezed"], ["squeezed"], name: "squeeze", attributes: Attributes.Ints("axes", 0))
            .Node("Pad", ["squeezed"], ["padded"], name: "pad", attributes: [Attributes.Ints("pads", 0, 0, 1, 0, 0, 1), Attributes.Float("value", 0.25f)])
            .Node("Dropout", ["padded"], ["dropped"], name: "dropout", attributes: Attributes.Float("ratio", 0.3f))
            .Node("Split", ["dropped"], ["left", "right"], name: "split", attributes: [Attributes.Int("axis", 2), Attributes.Ints("split", 1, 3)])
            .Node("ReduceSum", ["right"], ["y"], name: "sum", attributes: [Attributes.Ints("axes", 2), Attributes.Int("keepdims", 0)])
            .Node("Identity", ["left"], ["z"])
            .Output("y", DType.Float, 2, 3)
            .Output("z", DType.Float, 2, 3, 1)
            .Build();

        var upgraded = Upgrade(model);

        Assert.Equal(13, upgraded.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.All(upgraded.Graph.Node.Where(n => n.OpType is not ("Dropout" or "Identity")), n =>
            Assert.DoesNotContain(n.Attribute, a => a.Name is "min" or "max" or "starts" or "ends" or "axes" or "pads" or "value" or "split"));
        Assert.DoesNotContain(upgraded.Graph.Node, n => n.OpType == "Dropout");
        AssertSameOutputs(model, upgraded, [2, 3, 4]);
    }

    [Fact]
    public void Softmax_over_trailing_axes_keeps_its_opset_9_meaning()
    {
        // Before opset 13, Softmax(axis=1) on [2, 3, 4] normalizes over the 12 values of each batch item, not over axis 1.
        var model = new ModelBuilder(opset: 9)
            .Input("x", DType.Float, 2, 3, 4)
            .Node("Softmax", ["x"], ["y"], name: "softmax", attributes: Attributes.Int("axis", 1))
            .Output("y", DType.Float, 2, 3, 4)
            .Build();

        var upgraded = Upgrade(model);

        Assert.Equal(["Shape", "Flatten", "Softmax", "Reshape"], PassRunner.OpTypes(upgraded));
        AssertSameOutputs(model, upgraded, [2, 3, 4]);
    }

    [Fact]
    public void Models_already_at_opset_13_are_left_alone()
    {
        var model = new ModelBuilder(opset: 13)
            .Input("x", DType.Float, 2, 3)
            .Node("Softmax", ["x"], ["y"], attributes: Attributes.Int("axis", 0))
            .Output("y", DType.Float, 2, 3)
            .Build();

        Assert.Equal(model, Upgrade(model));
    }

    [Fact]
    public void Ops_whose_meaning_changed_without_a_rewrite_are_refused()
    {
        var model = new ModelBuilder(opset: 9)
            .Input("x", DType.Float, 1, 1, 2, 2)
            .Initializer("scales", [1, 1, 2, 2], 4)
            .Node("Upsample", ["x", "scales"], ["y"], name: "up")
            .Output("y", DType.Float, 1, 1, 4, 4)
            .Build();

        var e = Assert.Throws<NotSupportedException>(() => Upgrade(model));
        Assert.Contains("'up'", e.Message);
    }
}
