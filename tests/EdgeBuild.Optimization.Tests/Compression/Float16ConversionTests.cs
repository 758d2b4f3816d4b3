using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Compression;

public class Float16ConversionTests
{
    private static (ModelProto Half, Float16Conversion.Summary Summary, PassContext Context) Convert(ModelProto model)
    {
        var half = model.Clone();
        var context = new PassContext(half);
        var summary = Float16Conversion.Run(half, context);
        return (half, summary, context);
    }

    private static ModelProto ConvReluAdd() => new ModelBuilder()
        .Input("x", DType.Float, 1, 3, 8, 8)
        .Initializer("w", OrtRun.Random(4 * 3 * 3 * 3, 1), 4, 3, 3, 3)
        .Initializer("b", OrtRun.Random(4, 2), 4)
        .Node("Conv", ["x", "w", "b"], ["c"], Attributes.Ints("pads", 1, 1, 1, 1))
        .Node("Relu", ["c"], ["r"])
        .Initializer("k", OrtRun.Random(4 * 8 * 8, 3), 1, 4, 8, 8)
        .Node("Add", ["r", "k"], ["y"])
        .Output("y", DType.Float, 1, 4, 8, 8)
        .Build();

    [Fact]
    public void Weights_become_float16_io_stays_float32_with_casts_only_at_the_boundary()
    {
        var model = ConvReluAdd();
        var (half, summary, _) = Convert(model);

        Assert.All(half.Graph.Initializer, t => Assert.Equal(DType.Float16, t.DataType));
        Assert.Equal(DType.Float, half.Graph.Input.Single().Type.TensorType.ElemType);
        Assert.Equal(DType.Float, half.Graph.Output.Single().Type.TensorType.ElemType);
        Assert.Equal(2, half.Graph.Node.Count(n => n.OpType == "Cast")); // after x, before y
        Assert.Equal(2, summary.CastsInserted);
        Assert.Equal(["Cast", "Conv", "Relu", "Add", "Cast"], half.Graph.Node.Select(n => n.OpType));

        var x = OrtRun.Random(3 * 64, 7);
        var expected = OrtRun.Run(model, ("x", x, [1, 3, 8, 8]))["y"];
        var actual = OrtRun.Run(half, ("x", x, [1, 3, 8, 8]))["y"];
        OrtRun.AssertClose(expected, actual, 1e-2f);
        Assert.NotEqual(expected, actual); // it did compute in half precision
    }

    [Fact]
    public void Blocked_ops_stay_float32_between_casts_and_shape_subgraphs_keep_their_types()
    {
        // x → Mul(w) → Resize(scales) → ReduceSum → y; and Shape(x) → ConstantOfShape(1.0) → Mul with x → Cast(float)·x → z.
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 2, 4, 4)
            .Initializer("w", OrtRun.Random(2 * 16, 4), 1, 2, 4, 4)
            .Node("Mul", ["x", "w"], ["m"])
            .Initializer("roi", [], 0)
            .Initializer("scales", [1f, 1f, 2f, 2f], 4)
            .Node("Resize", ["m", "roi", "scales"], ["r"], Attributes.String("mode", "nearest"))
            .Initializer(Tensors.FromInt64s("axes", [2, 3], 2))
            .Node("ReduceSum", ["r", "axes"], ["y"])
            .Node("Shape", ["x"], ["s"])
            .Node("ConstantOfShape", ["s"], ["ones"], Attributes.Tensor("value", Tensors.FromFloats("", [1.5f], 1)))
            .Node("Cast", ["s"], ["sf"], Attributes.Int("to", DType.Float))
            .Node("ReduceMax", ["sf"], ["smax"], Attributes.Int("keepdims", 0))
            .Node("Mul", ["ones", "x"], ["o"])
            .Node("Mul", ["o", "smax"], ["z"])
            .Output("y", DType.Float, 1, 2, 1, 1)
            .Output("z", DType.Float, 1, 2, 4, 4)
            .Build();

        var (half, summary, context) = Convert(model);

        var g = new OnnxGraph(half.Graph);
        var resize = half.Graph.Node.Single(n => n.OpType == "Resize");
        Assert.Equal("scales", resize.Input[2]); // read only by Resize: kept float32, no Cast
        Assert.Equal(DType.Float, g.Initializer("scales")!.DataType);
        Assert.Equal("Cast", g.Producer(resize.Input[0])!.OpType); // fp16 Mul output cast back for the blocked op
        // Resize → ReduceSum are both blocked: no Cast between them, and ReduceSum writes y in float32 directly.
        Assert.Equal("Resize", g.Producer(half.Graph.Node.Single(n => n.OpType == "ReduceSum").Input[0])!.OpType);
        Assert.Equal("ReduceSum", g.Producer("y")!.OpType);
        Assert.Equal(2, summary.BlockedNodes);
        Assert.Contains(context.Notes, n => n.Contains("Resize") && n.Contains("ReduceSum"));
        Assert.Equal(DType.Float16, half.Graph.Node.Single(n => n.OpType == "ConstantOfShape").Attribute[0].T.DataType);
        Assert.Equal(DType.Float16, half.Graph.Node.Single(n => n.OpType == "Cast" && n.Input[0] == "s").Attribute[0].I);

        var x = OrtRun.Random(32, 8);
        var expected = OrtRun.Run(model, ("x", x, [1, 2, 4, 4]));
        var actual = OrtRun.Run(half, ("x", x, [1, 2, 4, 4]));
        OrtRun.AssertClose(expected["y"], actual["y"], 1e-2f);
        OrtRun.AssertClose(expected["z"], actual["z"], 1e-2f);
    }

    [Fact]
    public void Weights_beyond_the_half_range_are_clamped_with_a_note()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 4)
            .Initializer("big", [1e6f, -1e9f, 3f, float.NegativeInfinity], 1, 4)
            .Node("Min", ["x", "big"], ["m"]) // blocked: big stays float32 there, so read it through an Add as well
            .Node("Add", ["x", "big"], ["y"])
            .Output("y", DType.Float, 1, 4)
            .Output("m", DType.Float, 1, 4)
            .Build();

        var (half, summary, context) = Convert(model);

        Assert.Equal(3, summary.ClampedValues);
        Assert.Contains(context.Notes, n => n.Contains("3 weight value(s) beyond ±65504") && n.Contains("big"));
        var y = OrtRun.Run(half, ("x", new float[] { 0, 0, 1, 0 }, [1, 4]))["y"];
        Assert.Equal([65504f, -65504f, 4f, -65504f], y);
    }

    [Fact]
    public void Same_model_gives_identical_bytes()
    {
        Assert.Equal(Convert(ConvReluAdd()).Half.ToByteArray(), Convert(ConvReluAdd()).Half.ToByteArray());
    }

    [Fact]
    public void Control_flow_stays_float32_and_reads_outer_values_through_casts()
    {
        // m = x·w in fp16; If(c) { m + k } else { m }: both bodies read m (and k) from the main graph by name.
        var thenBranch = new ModelBuilder().Node("Add", ["m", "k"], ["t"]).Output("t", DType.Float, 1, 4).BuildGraph();
        var elseBranch = new ModelBuilder().Node("Identity", ["m"], ["e"]).Output("e", DType.Float, 1, 4).BuildGraph();
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 4)
            .Input("c", DType.Bool)
            .Initializer("w", [0.5f, -1f, 2f, 3f], 1, 4)
            .Initializer("k", [10f, 20f, 30f, 40f], 1, 4)
            .Node("Mul", ["x", "w"], ["m"])
            .Node("If", ["c"], ["o"], name: "branch", attributes: [Attributes.Graph("then_branch", thenBranch), Attributes.Graph("else_branch", elseBranch)])
            .Output("o", DType.Float, 1, 4)
            .Build();

        var (half, summary, _) = Convert(model);

        var g = new OnnxGraph(half.Graph);
        var branch = half.Graph.Node.Single(n => n.OpType == "If");
        var read = branch.Attribute.Single(a => a.Name == "then_branch").G.Node.Single().Input[0];
        Assert.Equal("Cast", g.Producer(read)!.OpType); // m is fp16 in the main graph, cast back for the body
        Assert.Equal(DType.Float, g.Initializer("k")!.DataType); // read only by the If: stays float32
        Assert.Equal(DType.Float16, g.Initializer("w")!.DataType);
        Assert.Equal(1, summary.BlockedNodes);

        var x = new[] { 1f, 2f, 3f, 4f };
        foreach (var c in new[] { true, false })
        {
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(half.ToByteArray());
            using var xs = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(x, [1, 4]);
            using var cs = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new[] { c }, []);
            using var run = new Microsoft.ML.OnnxRuntime.RunOptions();
            using var outputs = session.Run(run, ["x", "c"], [xs, cs], ["o"]);
            var expected = c ? new[] { 10.5f, 18f, 36f, 52f } : new[] { 0.5f, -2f, 6f, 12f };
            Assert.Equal(expected, outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }
    }
}
