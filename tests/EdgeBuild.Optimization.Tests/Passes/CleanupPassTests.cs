using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Passes;

public class CleanupPassTests
{
    private static readonly float[] X = OrtRun.Random(8, seed: 7);

    private static void AssertSameOutputs(ModelProto expected, ModelProto actual)
    {
        var a = OrtRun.Run(expected, ("x", X, [2, 4]));
        var b = OrtRun.Run(actual, ("x", X, [2, 4]));
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, values) in a) OrtRun.AssertClose(values, b[name]);
    }

    [Fact]
    public void Constant_nodes_become_initializers()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Constant(Tensors.FromFloats("c", [1, 2, 3, 4], 4))
            .Node("Constant", [], ["k"], name: "k", attributes: Attributes.Float("value_float", 0.5f))
            .Node("Add", ["x", "c"], ["a"])
            .Node("Mul", ["a", "k"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (result, changes) = PassRunner.Apply(new ConstantToInitializerPass(), model);

        Assert.Equal(2, changes);
        Assert.Equal(["Add", "Mul"], PassRunner.OpTypes(result));
        Assert.Equal(["c", "k"], result.Graph.Initializer.Select(t => t.Name));
        AssertSameOutputs(model, result);
    }

    [Fact]
    public void Identity_nodes_are_removed_and_output_names_kept()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Node("Identity", ["x"], ["i0"])
            .Node("Relu", ["i0"], ["r"])
            .Node("Identity", ["r"], ["y"])
            .Node("Identity", ["x"], ["z"])
            .Output("y", DType.Float, 2, 4)
            .Output("z", DType.Float, 2, 4)
            .Build();

        var (result, changes) = PassRunner.Apply(new IdentityEliminationPass(), model);

        Assert.Equal(2, changes);
        // x -> z must stay: an output cannot be renamed to the graph input.
        Assert.Equal(["Relu", "Identity"], PassRunner.OpTypes(result));
        Assert.Equal(["x"], result.Graph.Node[0].Input);
        Assert.Equal(["y"], result.Graph.Node[0].Output);
        Assert.Equal(["y", "z"], result.Graph.Output.Select(o => o.Name));
        AssertSameOutputs(model, result);
    }

    [Fact]
    public void Constant_subgraphs_are_folded_by_running_them()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer("a", [1, 2, 3, 4], 4)
            .Initializer("b", [0.5f, 0.5f, 0.5f, 0.5f], 4)
            .Initializer(Tensors.FromInt64s("shape", [1, 4], 2))
            .Node("Mul", ["a", "b"], ["ab"])
            .Node("Sqrt", ["ab"], ["s"])
            .Node("Reshape", ["s", "shape"], ["s2"])
            .Node("Add", ["x", "s2"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (folded, changes) = PassRunner.Apply(new ConstantFoldingPass(), model);
        var cleaned = PassRunner.Apply(new DeadCodeEliminationPass(), folded).Model;

        Assert.Equal(1, changes);
        Assert.Equal(["Add"], PassRunner.OpTypes(cleaned));
        var s2 = cleaned.Graph.Initializer.Single(t => t.Name == "s2");
        Assert.Equal([1L, 4L], s2.Dims);
        OrtRun.AssertClose([MathF.Sqrt(0.5f), 1f, MathF.Sqrt(1.5f), MathF.Sqrt(2f)], Tensors.ToFloatArray(s2), 1e-6f);
        AssertSameOutputs(model, cleaned);
    }

    [Fact]
    public void Folding_leaves_random_ops_and_dequantized_weights_alone()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer(Tensors.FromInt8s("wq", [1, -2, 3, -4], 4))
            .Initializer("ws", [0.1f], 1)
            .Node("DequantizeLinear", ["wq", "ws"], ["w"])
            .Node("Add", ["x", "w"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (_, changes) = PassRunner.Apply(new ConstantFoldingPass(), model);

        Assert.Equal(0, changes);
    }

    [Fact]
    public void Folding_leaves_a_bias_scale_product_alone_but_folds_the_same_mul_elsewhere()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer(Tensors.FromInt32s("bq", [10, -20, 30, -40], 4))
            .Initializer("sx", [0.02f], 1)
            .Initializer("sw", [0.1f, 0.2f, 0.3f, 0.4f], 4)
            .Node("Mul", ["sx", "sw"], ["bs"]) // read only as a DequantizeLinear scale: the quantizer's s_x·s_w
            .Node("DequantizeLinear", ["bq", "bs"], ["b"], Attributes.Int("axis", 0))
            .Node("Mul", ["sx", "sw"], ["k"]) // read by an Add: an ordinary constant
            .Node("Add", ["x", "b"], ["xb"])
            .Node("Add", ["xb", "k"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (folded, changes) = PassRunner.Apply(new ConstantFoldingPass(), model);
        var cleaned = PassRunner.Apply(new DeadCodeEliminationPass(), folded).Model;

        Assert.Equal(1, changes);
        Assert.Equal("Mul", new OnnxGraph(cleaned.Graph).Producer("bs")?.OpType);
        Assert.Contains(cleaned.Graph.Initializer, t => t.Name == "k");
        AssertSameOutputs(model, cleaned);
    }

    [Fact]
    public void Dead_nodes_and_unused_initializers_are_removed()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer("unused", [1], 1)
            .Initializer("w", [2], 1)
            .Node("Mul", ["x", "w"], ["y"])
            .Node("Neg", ["x"], ["dead1"])
            .Node("Exp", ["dead1"], ["dead2"])
            .ValueInfo("dead2", DType.Float, 2, 4)
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (result, changes) = PassRunner.Apply(new DeadCodeEliminationPass(), model);

        Assert.Equal(3, changes);
        Assert.Equal(["Mul"], PassRunner.OpTypes(result));
        Assert.Equal(["w"], result.Graph.Initializer.Select(t => t.Name));
        Assert.Empty(result.Graph.ValueInfo);
        AssertSameOutputs(model, result);
    }

    [Fact]
    public void Identical_initializers_are_shared()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer("s1", [0.25f, 1, 2, 3], 4)
            .Initializer("s2", [0.25f, 1, 2, 3], 4)
            .Initializer("s3", [0.25f, 1, 2, 3], 1, 4) // same bytes, other shape: not a duplicate
            .Node("Mul", ["x", "s1"], ["a"])
            .Node("Mul", ["a", "s2"], ["b"])
            .Node("Add", ["b", "s3"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (deduped, changes) = PassRunner.Apply(new InitializerDeduplicationPass(), model);
        var result = PassRunner.Apply(new DeadCodeEliminationPass(), deduped).Model;

        Assert.Equal(1, changes);
        Assert.Equal(["s1", "s3"], result.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["a", "s1"], result.Graph.Node[1].Input);
        AssertSameOutputs(model, result);
    }

    [Fact]
    public void The_pipeline_reaches_a_fixed_point_that_a_second_run_does_not_change()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Constant(Tensors.FromFloats("c", [1, 2, 3, 4], 4))
            .Node("Identity", ["c"], ["c2"])
            .Node("Neg", ["c2"], ["nc"])
            .Node("Add", ["x", "nc"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var once = PassRunner.Cleanup(model);
        var twice = PassRunner.Cleanup(once);

        Assert.Equal(["Add"], PassRunner.OpTypes(once));
        Assert.Equal(once, twice);
        AssertSameOutputs(model, once);
    }
}
