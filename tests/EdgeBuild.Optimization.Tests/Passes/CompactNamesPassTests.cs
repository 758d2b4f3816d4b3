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
            .Input("v0", DType.Float, 2, 4)
            .Node("Neg", ["v0"], ["inner"])
            .Node("Abs", ["inner"], ["v1"])
            .Output("v1", DType.Float, 2, 4)
            .Build();

        var (result, _) = PassRunner.Apply(new CompactNamesPass(), model);

        Assert.Equal(["v0"], result.Graph.Node[0].Input);
        Assert.Equal("_v0", result.Graph.Node[0].Output[0]);
        Assert.Equal(["v1"], result.Graph.Node[1].Output);
        var x = OrtRun.Random(8, seed: 64);
        Assert.Equal(OrtRun.Run(model, ("v0", x, [2, 4]))["v1"], OrtRun.Run(result, ("v0", x, [2, 4]))["v1"]);
    }
}
