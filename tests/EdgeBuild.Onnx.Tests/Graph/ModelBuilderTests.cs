using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Tests.Graph;

public class ModelBuilderTests
{
    [Fact]
    public void Builds_inputs_outputs_initializers_nodes_and_opsets()
    {
        var model = new ModelBuilder(opset: 13)
            .Opset("com.microsoft", 1)
            .Input("x", DType.Float, "N", 3, Dim.Unknown)
            .Initializer("w", [1, 2, 3], 3)
            .Node("Conv", ["x", "w"], ["y"], Attributes.Ints("pads", 1, 1), Attributes.Int("group", 1), Attributes.String("auto_pad", "NOTSET"))
            .Output("y", DType.Float, "N", 3, 7)
            .Build();

        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal("N", dims[0].DimParam);
        Assert.False(dims[0].HasDimValue);
        Assert.Equal(3, dims[1].DimValue);
        Assert.False(dims[2].HasDimValue || dims[2].HasDimParam);
        Assert.Equal([("", 13L), ("com.microsoft", 1L)], model.OpsetImport.Select(o => (o.Domain, o.Version)));

        var conv = model.Graph.Node[0];
        Assert.Equal("Conv_0", conv.Name);
        Assert.Equal([1L, 1L], Attributes.GetInts(conv, "pads"));
        Assert.Equal(1, Attributes.GetInt(conv, "group", 0));
        Assert.Equal("NOTSET", Attributes.GetString(conv, "auto_pad", ""));
        Assert.Equal(7, Attributes.GetInt(conv, "missing", 7));
    }

    [Fact]
    public void Constant_nodes_carry_an_unnamed_value_tensor()
    {
        var model = new ModelBuilder().Constant(Tensors.Scalar("c", 4f)).Output("c", DType.Float).Build();

        var node = model.Graph.Node[0];
        Assert.Equal("Constant", node.OpType);
        Assert.Equal(["c"], node.Output);
        Assert.Equal([4f], Tensors.ToFloatArray(Attributes.Find(node, "value")!.T));
        Assert.False(Attributes.Find(node, "value")!.T.HasName);
    }

    [Fact]
    public void Built_models_survive_a_serialization_round_trip()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2)
            .Initializer("w", [0.5f, 1], 2)
            .Node("Mul", ["x", "w"], ["y"])
            .Output("y", DType.Float, 2)
            .Build();

        var copy = ModelProto.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(model));

        Assert.Equal(model, copy);
    }

    [Fact]
    public void Each_build_returns_an_independent_model()
    {
        var builder = new ModelBuilder().Input("x", DType.Float, 1).Node("Relu", ["x"], ["y"]).Output("y", DType.Float, 1);

        var first = builder.Build();
        first.Graph.Node.Clear();

        Assert.Single(builder.Build().Graph.Node);
    }
}
