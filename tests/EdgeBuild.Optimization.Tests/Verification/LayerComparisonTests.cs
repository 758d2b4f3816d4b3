using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Tests.Budgets;
using EdgeBuild.Optimization.Verification;

namespace EdgeBuild.Optimization.Tests.Verification;

public class LayerComparisonTests
{
    /// <summary>x[1,4] → a = x·w1 (node m1) → y = a·w2 (node m2), with the given weights.</summary>
    private static ModelProto Model(float[] w1, float[] w2)
    {
        var graph = new GraphProto { Name = "chain" };
        graph.Input.Add(TinyModels.Tensor("x", 1, 4));
        graph.Output.Add(TinyModels.Tensor("y", 1, 4));
        graph.Node.Add(TinyModels.Node("Mul", "m1", ["x", "w1"], ["a"]));
        graph.Node.Add(TinyModels.Node("Mul", "m2", ["a", "w2"], ["y"]));
        graph.Initializer.Add(Weights("w1", w1));
        graph.Initializer.Add(Weights("w2", w2));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static TensorProto Weights(string name, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(values.Length);
        t.FloatData.Add(values);
        return t;
    }

    private static Sample Ones()
    {
        var x = Weights("x", [1, 1, 1, 1]);
        x.Dims.Clear();
        x.Dims.Add([1, 4]);
        return new Sample("ones", [new SampleInput("x", x)]);
    }

    [Fact]
    public void Each_nodes_output_is_compared_with_the_reference_value_of_the_same_name()
    {
        float[] w = [1, 2, 3, 4];
        var reference = Model(w, [1, 1, 1, 1]);
        // m1's weights off by 1 % everywhere: noise/signal = 1e-4, i.e. 40 dB; m2 adds nothing, so y is at 40 dB too.
        var candidate = Model(w.Select(v => v * 1.01f).ToArray(), [1, 1, 1, 1]);

        var layers = LayerComparison.Compare(reference, candidate, ["m1", "m2"], Ones());

        Assert.Equal(["m1", "m2"], layers.Select(l => l.Name));
        Assert.All(layers, l => Assert.Equal("Mul", l.OpType));
        Assert.All(layers, l => Assert.InRange(l.SqnrDb, 39.9, 40.1));
    }

    [Fact]
    public void Identical_values_are_infinite_SQNR_and_unknown_nodes_are_left_out()
    {
        var reference = Model([1, 2, 3, 4], [1, 1, 1, 1]);
        var candidate = Model([1, 2, 3, 4], [0.5f, 0.5f, 0.5f, 0.5f]);

        var layers = LayerComparison.Compare(reference, candidate, ["m1", "m2", "not-there"], Ones());

        Assert.Equal(2, layers.Count);
        Assert.True(double.IsPositiveInfinity(layers[0].SqnrDb));
        Assert.InRange(layers[1].SqnrDb, 6.0, 6.1); // y' = y/2: noise/signal = 1/4 → 6.02 dB
    }
}
