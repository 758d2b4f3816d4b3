using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Runtime.Tests;

/// <summary>
/// The tiny models under Models/, built in code so their content is reviewable. Their manifests (Manifests/)
/// carry the SHA-256 of the committed files; TinyModelsTests checks the committed bytes still equal what this
/// code builds, and rewrites them with EDGEBUILD_UPDATE_BASELINES=1 (then update the manifests' sha256).
/// </summary>
internal static class TinyModels
{
    public static string Dir => AppContext.BaseDirectory;

    public static string SourceDir => Path.Combine(EdgeBuild.Tests.Shared.TestAssets.RepoRoot, "tests", "EdgeBuild.Runtime.Tests", "Models");

    public static IReadOnlyDictionary<string, Func<ModelProto>> All { get; } = new Dictionary<string, Func<ModelProto>>
    {
        ["tiny_affine.onnx"] = Affine,
        ["mixed_types.onnx"] = MixedTypes,
        ["dynamic_batch.onnx"] = DynamicBatch,
    };

    /// <summary>y = x * 2 + 1 over [1, 16] floats: the smallest model where binding overhead dominates.</summary>
    public static ModelProto Affine()
    {
        var graph = new GraphProto { Name = "affine" };
        graph.Input.Add(Value("x", TensorProto.Types.DataType.Float, 1, 16));
        graph.Output.Add(Value("y", TensorProto.Types.DataType.Float, 1, 16));
        graph.Initializer.Add(Scalar("two", 2f));
        graph.Initializer.Add(Scalar("one", 1f));
        graph.Node.Add(Node("Mul", new[] { "x", "two" }, "scaled"));
        graph.Node.Add(Node("Add", new[] { "scaled", "one" }, "y"));
        return Model(graph);
    }

    /// <summary>One input and one output per supported element type, each through a real op.</summary>
    public static ModelProto MixedTypes()
    {
        var graph = new GraphProto { Name = "mixed" };
        void Io(string input, string output, TensorProto.Types.DataType type, string op, params long[] dims)
        {
            graph.Input.Add(Value(input, type, dims));
            graph.Output.Add(Value(output, type, dims));
            graph.Node.Add(op == "Add" ? Node(op, new[] { input, input }, output) : Node(op, new[] { input }, output));
        }

        Io("half_in", "half_out", TensorProto.Types.DataType.Float16, "Identity", 2, 3);
        Io("long_in", "long_out", TensorProto.Types.DataType.Int64, "Add", 2, 3);
        Io("mask", "not_mask", TensorProto.Types.DataType.Bool, "Not", 2, 3);
        Io("double_in", "double_out", TensorProto.Types.DataType.Double, "Add", 3);
        Io("sbyte_in", "sbyte_out", TensorProto.Types.DataType.Int8, "Identity", 4);
        Io("byte_in", "byte_out", TensorProto.Types.DataType.Uint8, "Identity", 4);
        Io("short_in", "short_out", TensorProto.Types.DataType.Int16, "Identity", 4);
        Io("int_in", "int_out", TensorProto.Types.DataType.Int32, "Add", 4);
        Io("float_in", "float_out", TensorProto.Types.DataType.Float, "Relu", 5);
        return Model(graph);
    }

    /// <summary>Relu over [N, 4] with a symbolic batch dim N, for the allocating path.</summary>
    public static ModelProto DynamicBatch()
    {
        var graph = new GraphProto { Name = "dynamic" };
        graph.Input.Add(Value("x", TensorProto.Types.DataType.Float, "N", 4));
        graph.Output.Add(Value("y", TensorProto.Types.DataType.Float, "N", 4));
        graph.Node.Add(Node("Relu", new[] { "x" }, "y"));
        return Model(graph);
    }

    public static byte[] Bytes(ModelProto model) => model.ToByteArray();

    private static ModelProto Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "EdgeBuild.Runtime.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static TensorProto Scalar(string name, float value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        return tensor;
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string param
                ? new TensorShapeProto.Types.Dimension { DimParam = param }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims) =>
        Value(name, type, dims.Cast<object>().ToArray());
}
