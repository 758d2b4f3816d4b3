using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Graph;

/// <summary>
/// Fluent construction of small ONNX models in code, for tests and for passes that emit helper
/// models (for example the augmented calibration model). Nodes are added in the order given;
/// names of nodes default to "{op}_{index}" so tests can refer to them.
/// </summary>
/// <example>
/// <code>
/// var model = new ModelBuilder(opset: 17)
///     .Input("x", DType.Float, "N", 3, 8, 8)
///     .Initializer(Tensors.FromFloats("w", weights, 4, 3, 3, 3))
///     .Node("Conv", ["x", "w"], ["y"], Attributes.Ints("pads", 1, 1, 1, 1))
///     .Output("y", DType.Float, "N", 4, 8, 8)
///     .Build();
/// </code>
/// </example>
public sealed class ModelBuilder
{
    private readonly GraphProto _graph = new() { Name = "main" };
    private readonly List<OperatorSetIdProto> _opsets = [];
    private long _irVersion = 8;

    public ModelBuilder(long opset = 17)
    {
        _opsets.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    /// <summary>Adds another operator domain, for example ("com.microsoft", 1).</summary>
    public ModelBuilder Opset(string domain, long version)
    {
        _opsets.RemoveAll(o => o.Domain == domain);
        _opsets.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        return this;
    }

    public ModelBuilder IrVersion(long version)
    {
        _irVersion = version;
        return this;
    }

    public ModelBuilder GraphName(string name)
    {
        _graph.Name = name;
        return this;
    }

    public ModelBuilder Input(string name, int elementType, params Dim[] dims)
    {
        _graph.Input.Add(CreateValueInfo(name, elementType, dims));
        return this;
    }

    public ModelBuilder Output(string name, int elementType, params Dim[] dims)
    {
        _graph.Output.Add(CreateValueInfo(name, elementType, dims));
        return this;
    }

    /// <summary>An output whose shape is left unspecified (rank unknown).</summary>
    public ModelBuilder OutputOfUnknownShape(string name, int elementType)
    {
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType } },
        });
        return this;
    }

    public ModelBuilder ValueInfo(string name, int elementType, params Dim[] dims)
    {
        _graph.ValueInfo.Add(CreateValueInfo(name, elementType, dims));
        return this;
    }

    public ModelBuilder Initializer(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        return this;
    }

    public ModelBuilder Initializer(string name, float[] values, params long[] dims) =>
        Initializer(Tensors.FromFloats(name, values, dims));

    public ModelBuilder Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, outputs, name: null, domain: "", attributes);

    public ModelBuilder Node(string opType, string[] inputs, string[] outputs, string? name, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name ?? $"{opType}_{_graph.Node.Count}", Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Adds a Constant node producing <paramref name="tensor"/> under its name.</summary>
    public ModelBuilder Constant(TensorProto tensor)
    {
        var output = tensor.Name;
        var value = tensor.Clone();
        value.ClearName();
        return Node("Constant", [], [output], name: $"Constant_{output}", attributes: Attributes.Tensor("value", value));
    }

    /// <summary>The graph being built, for tests that build subgraphs (If/Loop bodies).</summary>
    public GraphProto BuildGraph() => _graph.Clone();

    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = _irVersion,
            ProducerName = "EdgeBuild.ModelBuilder",
            Graph = _graph.Clone(),
        };
        model.OpsetImport.AddRange(_opsets.Select(o => o.Clone()));
        return model;
    }

    public static ValueInfoProto CreateValueInfo(string name, int elementType, IReadOnlyList<Dim> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (d.Value is { } v) dim.DimValue = v;
            else if (d.Param is { } p) dim.DimParam = p;
            shape.Dim.Add(dim);
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }
}
