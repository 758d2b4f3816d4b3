using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Optimization.Verification;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>Data-free int8 weights (Cast→Mul) on small synthetic models: which weights, where (bodies too), and that results stay close.</summary>
public sealed class DataFreeWeightCompressionTests
{
    private static float[] Weights(int count, int seed) => OrtRun.Random(count, seed);

    private static double Sqnr(float[] reference, float[] candidate)
    {
        var c = new OutputComparison("y");
        c.Add(reference, candidate, [reference.Length]);
        return c.SqnrDb;
    }

    private static DataFreeWeightCompression.Result Compress(ModelProto model, DataFreeWeightCompression.Options? options = null) =>
        DataFreeWeightCompression.Run(model, options ?? new DataFreeWeightCompression.Options());

    private static IEnumerable<(GraphProto Graph, NodeProto Node)> AllNodes(GraphProto graph)
    {
        foreach (var n in graph.Node)
        {
            yield return (graph, n);
            foreach (var a in n.Attribute)
            {
                foreach (var g in a.G is null ? a.Graphs : a.Graphs.Append(a.G))
                {
                    foreach (var inner in AllNodes(g)) yield return inner;
                }
            }
        }
    }

    private static void AssertChecks(ModelProto model)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("m.onnx"), model.ToByteArray());
        var (exit, text) = OnnxChecker.Run([dir.File("m.onnx")]);
        Assert.True(exit == 0, text);
    }

    [Fact]
    public void Conv_matmul_and_gemm_weights_become_int8_cast_mul_per_output_channel()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 8, 6, 6)
            .Initializer("conv_w", Weights(16 * 8 * 9, 1), 16, 8, 3, 3)
            .Node("Conv", ["x", "conv_w"], ["c"], Attributes.Ints("pads", 1, 1, 1, 1))
            .Build();
        var g = model.Graph;
        g.Initializer.Add(Tensors.FromInt64s("flat", [1, 16 * 36], 2));
        g.Node.Add(new NodeProto { OpType = "Reshape", Input = { "c", "flat" }, Output = { "f" } });
        g.Initializer.Add(Tensors.FromFloats("mm_w", Weights(16 * 36 * 64, 2), 16 * 36, 64));
        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { "f", "mm_w" }, Output = { "m" } });
        g.Initializer.Add(Tensors.FromFloats("gemm_w", Weights(10 * 64, 3), 10, 64));
        g.Initializer.Add(Tensors.FromFloats("gemm_b", Weights(10, 4), 10));
        g.Node.Add(new NodeProto { OpType = "Gemm", Input = { "m", "gemm_w", "gemm_b" }, Output = { "y" }, Attribute = { Attributes.Int("transB", 1) } });
        g.Output.Add(ModelBuilder.CreateValueInfo("y", DType.Float, [1, 10]));

        var x = Weights(8 * 36, 5);
        var before = OrtRun.Run(model, ("x", x, [1, 8, 6, 6]))["y"];
        var original = model.ToByteArray().Length;
        var result = Compress(model);
        var after = OrtRun.Run(model, ("x", x, [1, 8, 6, 6]))["y"];

        Assert.Equal(3, result.Tensors);
        Assert.Equal(DType.Int8, g.Initializer.Single(t => t.Name == "conv_w_int8").DataType);
        Assert.Equal([16L, 1, 1, 1], g.Initializer.Single(t => t.Name == "conv_w_scale").Dims);
        Assert.Equal([1L, 64], g.Initializer.Single(t => t.Name == "mm_w_scale").Dims); // per output column
        Assert.Equal([10L, 1], g.Initializer.Single(t => t.Name == "gemm_w_scale").Dims); // transB: per row
        Assert.Contains(g.Initializer, t => t.Name == "gemm_b" && t.DataType == DType.Float); // biases stay float
        Assert.DoesNotContain(g.Initializer, t => t.Name is "conv_w" or "mm_w" or "gemm_w");
        Assert.Equal(6, g.Node.Count(n => n.OpType is "Cast" or "Mul"));
        Assert.True(model.ToByteArray().Length < 0.3 * original, $"{model.ToByteArray().Length} of {original} bytes");
        Assert.True(Sqnr(before, after) > 30, $"{Sqnr(before, after):F1} dB");
        AssertChecks(model);
    }

    /// <summary>An If whose then-branch reads a main-graph weight and whose else-branch holds its weight as a Constant node.</summary>
    private static ModelProto IfModel()
    {
        var thenBranch = new ModelBuilder().GraphName("then")
            .Node("MatMul", ["x", "outer_w"], ["t"], name: "then_mm")
            .Output("t", DType.Float, 1, 64)
            .BuildGraph();
        var elseBranch = new ModelBuilder().GraphName("else")
            .Constant(Tensors.FromFloats("inner_w", Weights(32 * 64, 7), 32, 64))
            .Node("MatMul", ["x", "inner_w"], ["e"], name: "else_mm")
            .Output("e", DType.Float, 1, 64)
            .BuildGraph();
        return new ModelBuilder()
            .Input("x", DType.Float, 1, 32)
            .Initializer("outer_w", Weights(32 * 64, 6), 32, 64)
            .Node("ReduceSum", ["x"], ["s"], Attributes.Int("keepdims", 0))
            .Initializer(Tensors.FromFloats("zero", [0f]))
            .Node("Greater", ["s", "zero"], ["cond"])
            .Node("If", ["cond"], ["y"], Attributes.Graph("then_branch", thenBranch), Attributes.Graph("else_branch", elseBranch))
            .Output("y", DType.Float, 1, 64)
            .Build();
    }

    [Fact]
    public void Weights_read_by_if_bodies_compress_where_they_are_defined_with_names_unique_across_bodies()
    {
        var model = IfModel();
        var positive = Weights(32, 8).Select(Math.Abs).ToArray();
        var negative = positive.Select(v => -v).ToArray();
        var before = (OrtRun.Run(model, ("x", positive, [1, 32]))["y"], OrtRun.Run(model, ("x", negative, [1, 32]))["y"]);
        var result = Compress(model);

        Assert.Equal(2, result.Tensors);
        Assert.Equal(1, result.InSubgraphs);
        Assert.Contains(model.Graph.Initializer, t => t.Name == "outer_w_int8" && t.DataType == DType.Int8); // main graph, read by the then-branch
        var elseBranch = model.Graph.Node.Single(n => n.OpType == "If").Attribute.Single(a => a.Name == "else_branch").G;
        Assert.Contains(elseBranch.Initializer, t => t.Name == "inner_w_int8" && t.DataType == DType.Int8);
        Assert.DoesNotContain(elseBranch.Node, n => n.OpType == "Constant");
        var outputs = AllNodes(model.Graph).SelectMany(p => p.Node.Output).ToList();
        Assert.Equal(outputs.Count, outputs.Distinct().Count());

        Assert.True(Sqnr(before.Item1, OrtRun.Run(model, ("x", positive, [1, 32]))["y"]) > 35);
        Assert.True(Sqnr(before.Item2, OrtRun.Run(model, ("x", negative, [1, 32]))["y"]) > 35);
        AssertChecks(model);
    }

    [Fact]
    public void A_second_run_finds_nothing_left_and_a_name_taken_in_another_body_is_not_reused()
    {
        var model = IfModel();
        // A value named like the int8 tensor the main graph would get, defined inside a body.
        var thenBranch = model.Graph.Node.Single(n => n.OpType == "If").Attribute.Single(a => a.Name == "then_branch").G;
        thenBranch.Node.Add(new NodeProto { OpType = "Identity", Input = { "t" }, Output = { "outer_w_int8" } });
        Compress(model);
        Assert.Contains(model.Graph.Initializer, t => t.Name == "outer_w_int8_1");
        Assert.Equal(0, Compress(model).Tensors);
    }

    [Fact]
    public void Loop_body_initializer_weights_compress()
    {
        var body = new ModelBuilder().GraphName("body")
            .Input("i", DType.Int64)
            .Input("c", DType.Bool)
            .Input("h", DType.Float, 1, 48)
            .Initializer("loop_w", Weights(48 * 48, 9).Select(v => v * 0.2f).ToArray(), 48, 48)
            .Node("MatMul", ["h", "loop_w"], ["m"])
            .Node("Tanh", ["m"], ["h2"])
            .Node("Identity", ["c"], ["c2"])
            .Output("c2", DType.Bool)
            .Output("h2", DType.Float, 1, 48)
            .BuildGraph();
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 48)
            .Initializer(Tensors.FromInt64s("trip", [3]))
            .Initializer(Tensors.Create("yes", DType.Bool, new byte[] { 1 }))
            .Node("Loop", ["trip", "yes", "x"], ["y"], Attributes.Graph("body", body))
            .Output("y", DType.Float, 1, 48)
            .Build();
        var x = Weights(48, 10);
        var before = OrtRun.Run(model, ("x", x, [1, 48]))["y"];
        var result = Compress(model);
        Assert.Equal(1, result.InSubgraphs);
        Assert.True(Sqnr(before, OrtRun.Run(model, ("x", x, [1, 48]))["y"]) > 35);
        AssertChecks(model);
    }

    [Theory]
    [InlineData("LSTM", 4)]
    [InlineData("GRU", 3)]
    [InlineData("RNN", 1)]
    public void Recurrent_weights_get_a_scale_per_gate_row(string op, int gates)
    {
        const int hidden = 32, input = 24, steps = 5;
        var model = new ModelBuilder()
            .Input("x", DType.Float, steps, 1, input)
            .Initializer("W", Weights(2 * gates * hidden * input, 11).Select(v => v * 0.3f).ToArray(), 2, gates * hidden, input)
            .Initializer("R", Weights(2 * gates * hidden * hidden, 12).Select(v => v * 0.3f).ToArray(), 2, gates * hidden, hidden)
            .Node(op, ["x", "W", "R"], ["y"], Attributes.Int("hidden_size", hidden), Attributes.String("direction", "bidirectional"))
            .Output("y", DType.Float, steps, 2, 1, hidden)
            .Build();
        var x = Weights(steps * input, 13);
        var before = OrtRun.Run(model, ("x", x, [steps, 1, input]))["y"];
        var result = Compress(model);
        Assert.Equal(2, result.Tensors);
        Assert.Equal([2L, gates * hidden, 1], model.Graph.Initializer.Single(t => t.Name == "W_scale").Dims);
        var sqnr = Sqnr(before, OrtRun.Run(model, ("x", x, [steps, 1, input]))["y"]);
        Assert.True(sqnr > 35, $"{op}: {sqnr:F1} dB");
        AssertChecks(model);
    }

    [Fact]
    public void Embedding_tables_compress_per_row_small_constants_and_non_weights_stay_float()
    {
        var model = new ModelBuilder()
            .Input("ids", DType.Int64, 1, 4)
            .Input("bias_in", DType.Float, 64)
            .Initializer("table", Weights(100 * 64, 14), 100, 64)
            .Node("Gather", ["table", "ids"], ["e"])
            .Initializer("small_w", Weights(64 * 4, 15), 64, 4) // 256 elements: below MinElements
            .Node("MatMul", ["e", "small_w"], ["s"])
            .Initializer("offset", Weights(4 * 64, 16), 4, 64) // read by Add: not a weight
            .Node("Add", ["e", "offset"], ["o"])
            .Output("s", DType.Float, 1, 4, 4)
            .Output("o", DType.Float, 1, 4, 64)
            .Build();
        var result = Compress(model);
        Assert.Equal(1, result.Tensors);
        Assert.Equal([100L, 1], model.Graph.Initializer.Single(t => t.Name == "table_scale").Dims);
        Assert.Contains(model.Graph.Initializer, t => t.Name == "small_w" && t.DataType == DType.Float);
        Assert.Contains(model.Graph.Initializer, t => t.Name == "offset" && t.DataType == DType.Float);
        AssertChecks(model);
    }

    [Fact]
    public void The_smallest_weights_within_the_int16_share_are_int16_the_rest_int8()
    {
        var x = Weights(2 * 32, 20);
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 32)
            .Initializer("small", Weights(32 * 32, 21), 32, 32) // 1024 values
            .Node("MatMul", ["x", "small"], ["h"])
            .Initializer("large", Weights(32 * 256, 22), 32, 256) // 8192 values
            .Node("MatMul", ["h", "large"], ["y"])
            .Output("y", DType.Float, 2, 256)
            .Build();
        var before = OrtRun.Run(model, ("x", x, [2, 32]))["y"];

        var result = Compress(model, new DataFreeWeightCompression.Options(Int16Share: 0.2)); // 1024 of 9216 values fit, 9216 do not
        var after = OrtRun.Run(model, ("x", x, [2, 32]))["y"];

        Assert.Equal((2, 1), (result.Tensors, result.Int16));
        Assert.Equal(DType.Int16, model.Graph.Initializer.Single(t => t.Name == "small_int16").DataType);
        Assert.Equal([1L, 32], model.Graph.Initializer.Single(t => t.Name == "small_scale").Dims);
        Assert.Equal(DType.Int8, model.Graph.Initializer.Single(t => t.Name == "large_int8").DataType);
        Assert.Equal(1024 * 2 + 32 * 4 + 8192 + 256 * 4, result.BytesAfter);
        Assert.True(Sqnr(before, after) > 35, $"{Sqnr(before, after):F1} dB");
        AssertChecks(model);
    }

    [Fact]
    public void An_overridable_initializer_and_excluded_nodes_stay_float()
    {
        var model = IfModel();
        model.Graph.Input.Add(ModelBuilder.CreateValueInfo("outer_w", DType.Float, [32, 64])); // listed as an input: a default the user may override
        var result = Compress(model, new DataFreeWeightCompression.Options(ExcludeNodes: new HashSet<string> { "else_mm" }));
        Assert.Equal(0, result.Tensors);
    }

    [Fact]
    public void A_weight_feeding_a_log_gets_float16_instead_of_int8()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 1, 256)
            .Initializer("basis", Weights(64 * 32, 17), 64, 1, 32)
            .Node("Conv", ["x", "basis"], ["f"], Attributes.Ints("strides", 16))
            .Node("Mul", ["f", "f"], ["p"])
            .Initializer(Tensors.FromFloats("eps", [1e-6f]))
            .Node("Add", ["p", "eps"], ["q"])
            .Node("Log", ["q"], ["y"])
            .Output("y", DType.Float, 1, 64, 15)
            .Build();
        var result = Compress(model);
        Assert.Equal(1, result.Float16);
        Assert.Equal(DType.Float16, model.Graph.Initializer.Single(t => t.Name == "basis_fp16").DataType);
        AssertChecks(model);
    }
}
