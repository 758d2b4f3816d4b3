using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// The valid models mutations start from: the two pinned real models and small models built in code that reach
/// corners the real ones don't (subgraphs, Constant nodes, BatchNorm to fold, external data).
/// </summary>
internal static class SeedModels
{
    public sealed record Seed(string Name, byte[] Bytes, IReadOnlyDictionary<string, byte[]> SideFiles)
    {
        private ModelProto? _parsed;

        /// <summary>A fresh copy to mutate (parsing once, cloning per use).</summary>
        public ModelProto Parse() => (_parsed ??= ModelProto.Parser.ParseFrom(Bytes)).Clone();
    }

    private static readonly Lazy<IReadOnlyList<Seed>> All = new(Create);

    public static IReadOnlyList<Seed> Seeds => All.Value;

    public static Seed Get(string name) => Seeds.Single(s => s.Name == name);

    private static IReadOnlyList<Seed> Create() =>
    [
        new("classifier", File.ReadAllBytes(TestAssets.Classifier), NoFiles),
        new("detector", File.ReadAllBytes(TestAssets.Detector), NoFiles),
        new("conv-bn-relu", ConvBatchNormRelu().ToByteArray(), NoFiles),
        new("if-subgraph", IfWithSubgraphs().ToByteArray(), NoFiles),
        WithExternalData("conv-external", ConvBatchNormRelu()),
    ];

    private static readonly IReadOnlyDictionary<string, byte[]> NoFiles = new Dictionary<string, byte[]>();

    public static ModelProto ConvBatchNormRelu()
    {
        var rng = new Random(7);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        return new ModelBuilder(opset: 17)
            .Input("x", DType.Float, "N", 3, 8, 8)
            .Initializer("w", Values(4 * 3 * 3 * 3), 4, 3, 3, 3)
            .Initializer("b", Values(4), 4)
            .Initializer("scale", Values(4), 4)
            .Initializer("bias", Values(4), 4)
            .Initializer("mean", Values(4), 4)
            .Initializer("var", Enumerable.Repeat(1f, 4).ToArray(), 4)
            .Constant(Tensors.FromInt64s("shape", [-1, 256], 2))
            .Node("Conv", ["x", "w", "b"], ["c"], Attributes.Ints("pads", 1, 1, 1, 1), Attributes.Ints("kernel_shape", 3, 3))
            .Node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["bn"])
            .Node("Identity", ["bn"], ["id"])
            .Node("Relu", ["id"], ["r"])
            .Node("Reshape", ["r", "shape"], ["y"])
            .Output("y", DType.Float, "N", 256)
            .Build();
    }

    public static ModelProto IfWithSubgraphs()
    {
        GraphProto Branch(string op, string output) => new ModelBuilder()
            .Node(op, ["x"], [output])
            .Output(output, DType.Float, 1, 4)
            .BuildGraph();

        return new ModelBuilder(opset: 17)
            .Input("x", DType.Float, 1, 4)
            .Input("c", DType.Bool)
            .Node("If", ["c"], ["y"], Attributes.Graph("then_branch", Branch("Relu", "t")), Attributes.Graph("else_branch", Branch("Neg", "e")))
            .Output("y", DType.Float, 1, 4)
            .Build();
    }

    private static Seed WithExternalData(string name, ModelProto model)
    {
        var folder = Directory.CreateTempSubdirectory("edgebuild-seed-").FullName;
        try
        {
            var path = Path.Combine(folder, "model.onnx");
            ModelFile.Save(model, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataThreshold = 0 });
            var side = Directory.GetFiles(folder).Where(f => f != path).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
            return new Seed(name, File.ReadAllBytes(path), side);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
