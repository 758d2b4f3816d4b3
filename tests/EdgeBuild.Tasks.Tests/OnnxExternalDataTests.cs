using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Tasks.Tests;

public sealed class OnnxExternalDataTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private static TensorProto ExternalTensor(string name, string location) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Float,
        Dims = { 4 },
        DataLocation = TensorProto.Types.DataLocation.External,
        ExternalData =
        {
            new StringStringEntryProto { Key = "location", Value = location },
            new StringStringEntryProto { Key = "offset", Value = "0" },
            new StringStringEntryProto { Key = "length", Value = "16" },
        },
    };

    [Fact]
    public void Finds_locations_in_initializers_sparse_initializers_and_subgraph_attributes()
    {
        var inner = new GraphProto { Name = "then", Initializer = { ExternalTensor("t", "branch.bin") } };
        var model = new ModelProto
        {
            IrVersion = 8,
            Graph = new GraphProto
            {
                Name = "g",
                Initializer = { ExternalTensor("w1", "weights.onnx.data"), ExternalTensor("w2", "weights.onnx.data"), new TensorProto { Name = "inline", RawData = ByteString.CopyFrom(new byte[64]) } },
                SparseInitializer = { new SparseTensorProto { Values = ExternalTensor("sv", "sparse.bin"), Indices = new TensorProto { Name = "si" } } },
                Node = { new NodeProto { OpType = "If", Attribute = { new AttributeProto { Name = "then_branch", G = inner } } } },
            },
        };
        var path = _project.AddFile("m.onnx", model.ToByteArray());

        // File order: protobuf writes graph.node (field 1) before initializer (5) and sparse_initializer (15).
        Assert.Equal(["branch.bin", "weights.onnx.data", "sparse.bin"], OnnxExternalData.FindLocations(path));
    }

    [Fact]
    public void The_real_detector_keeps_its_weights_inline()
    {
        Assert.Empty(OnnxExternalData.FindLocations(TestAssets.Detector));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(4096)]
    public void A_truncated_model_yields_nothing_and_leaves_the_error_to_the_tool(int keep)
    {
        var bytes = File.ReadAllBytes(TestAssets.Detector)[..keep];
        var path = _project.AddFile("broken.onnx", bytes);
        Assert.Empty(OnnxExternalData.FindLocations(path));
    }

    [Fact]
    public void Only_locations_inside_the_models_folder_without_special_characters_are_tracked()
    {
        // Found by the MSBuild fuzz test: a NUL in a location crashed ResolveEdgeModels (MSB4018); `/**` would make
        // MSBuild glob the whole disk as Inputs. The tool refuses all but the first with EDGE0102.
        string[] locations = ["ok.bin", "sub/ok2.bin", "w.bin\0.txt", "/etc/passwd", "../up.bin", "a/../../up.bin", "/**", "*.bin", "a;b.bin", "$(Secret).bin"];
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        foreach (var (location, i) in locations.Select((l, i) => (l, i))) model.Graph.Initializer.Add(ExternalTensor("w" + i, location));
        var path = _project.AddFile("m.onnx", model.ToByteArray());

        Assert.Equal(locations, OnnxExternalData.FindLocations(path));
        var folder = Path.GetDirectoryName(path)!;
        Assert.Equal([Path.Combine(folder, "ok.bin"), Path.Combine(folder, "sub", "ok2.bin")], OnnxExternalData.TrackableFiles(path));
    }

    [Fact]
    public void A_file_that_is_not_protobuf_yields_nothing()
    {
        var path = _project.AddFile("text.onnx", "this is not a model\n"u8.ToArray());
        Assert.Empty(OnnxExternalData.FindLocations(path));
    }
}
