using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Passes;

public class CompactNamesPassTests
{
    [Fact]
    public void Internal_values_get_short_names_while_the_signature_and_node_names_stay()
    {
        const string Long = "model/backbone/stage_3/block_12/depthwise_convolution/";
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer(Long + "weight", OrtRun.Random(4 * 4, 61), 4, 4)
            .Initializer(Long + "bias", OrtRun.Random(4, 62), 4)
            .Node("MatMul", ["x", Long + "weight"], [Long + "matmul_out"], name: "mm")
            .Node("Add", [Long + "matmul_out", Long + "bias"], [Long + "add_out"], name: "add")
            .ValueInfo(Long + "add_out", DType.Float, 2, 4)
            .Node("Relu", [Long + "add_out"], ["y"], name: "relu")
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (result, changes) = PassRunner.Apply(new CompactNamesPass(), model);

        Assert.Equal(4, changes);
        var values = result.Graph.Node.SelectMany(n => n.Input.Concat(n.Output)).ToHashSet();
        Assert.DoesNotContain(values, v => v.StartsWith(Long, StringComparison.Ordinal));
        Assert.Contains("x", values);
        Assert.Contains("y", values);
        Assert.Equal(["mm", "add", "relu"], result.Graph.Node.Select(n => n.Name));
        Assert.All(result.Graph.Initializer, t => Assert.True(t.Name.Length <= 3, t.Name));
        Assert.Empty(result.Graph.ValueInfo);
        Assert.True(result.CalculateSize() < model.CalculateSize() - 4 * Long.Length);

        var x = OrtRun.Random(8, seed: 63);
        Assert.Equal(OrtRun.Run(model, ("x", x, [2, 4]))["y"], OrtRun.Run(result, ("x", x, [2, 4]))["y"]);
    }

    [Fact]
    public void A_short_name_never_collides_with_a_graph_input_or_output()
    {
        var model = new ModelBuilder()
            .Input("0", DType.Float, 2, 4)
            .Node("Neg", ["0"], ["inner"])
            .Node("Abs", ["inner"], ["1"])
            .Output("1", DType.Float, 2, 4)
            .Build();

        var (result, _) = PassRunner.Apply(new CompactNamesPass(), model);

        Assert.Equal(["0"], result.Graph.Node[0].Input);
        Assert.Equal("2", result.Graph.Node[0].Output[0]);
        Assert.Equal(["1"], result.Graph.Node[1].Output);
        var x = OrtRun.Random(8, seed: 64);
        Assert.Equal(OrtRun.Run(model, ("0", x, [2, 4]))["1"], OrtRun.Run(result, ("0", x, [2, 4]))["1"]);
    }

    [Fact]
    public void The_most_referenced_values_get_the_one_character_names_and_the_result_is_deterministic()
    {
        // 70 chained values used twice each come first; "hub" appears last but is used four times.
        var builder = new ModelBuilder().Input("x", DType.Float, 2, 4);
        var previous = "x";
        for (var i = 0; i < 70; i++)
        {
            builder.Node("Neg", [previous], ["chain" + i]);
            previous = "chain" + i;
        }

        var model = builder
            .Node("Abs", [previous], ["hub"])
            .Node("Add", ["hub", "hub"], ["twice"])
            .Node("Mul", ["twice", "hub"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (result, changes) = PassRunner.Apply(new CompactNamesPass(), model);
        var (again, _) = PassRunner.Apply(new CompactNamesPass(), model);

        Assert.Equal(72, changes); // chain0..69, hub, twice
        var abs = result.Graph.Node.Single(n => n.OpType == "Abs");
        Assert.Equal("0", abs.Output[0]);
        Assert.Contains(result.Graph.Node.SelectMany(n => n.Input.Concat(n.Output)), v => v.Length == 2);
        Assert.Equal(model.Graph.Node.Select(n => n.Name), result.Graph.Node.Select(n => n.Name));
        Assert.Equal(result.ToByteArray(), again.ToByteArray());
        var x = OrtRun.Random(8, seed: 65);
        Assert.Equal(OrtRun.Run(model, ("x", x, [2, 4]))["y"], OrtRun.Run(result, ("x", x, [2, 4]))["y"]);
    }
}
