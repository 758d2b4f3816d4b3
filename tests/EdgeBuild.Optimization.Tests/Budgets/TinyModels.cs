using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Tests.Budgets;

/// <summary>Small float models built in code for memory-estimate unit tests.</summary>
internal static class TinyModels
{
    public static ValueInfoProto Tensor(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    public static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    /// <summary>x[N,4] → a=Relu(x) → b=Relu(a) → c=Add(a,b) → y=Relu(c): a and b are live together with c.</summary>
    public static ModelProto SkipConnection()
    {
        var graph = new GraphProto { Name = "skip" };
        graph.Input.Add(Tensor("x", "N", 4));
        graph.Output.Add(Tensor("y", "N", 4));
        graph.Node.Add(Node("Relu", "r1", ["x"], ["a"]));
        graph.Node.Add(Node("Relu", "r2", ["a"], ["b"]));
        graph.Node.Add(Node("Add", "add", ["a", "b"], ["c"]));
        graph.Node.Add(Node("Relu", "r3", ["c"], ["y"]));
        var weights = new TensorProto { Name = "unused_w", DataType = (int)TensorProto.Types.DataType.Float };
        weights.Dims.Add(10);
        weights.FloatData.Add(new float[10]);
        graph.Initializer.Add(weights);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }
}
