using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Onnx.Tests;

/// <summary>Every kind of bad input ends in one <see cref="ModelFormatException"/> that names the file and the problem.</summary>
public sealed class BadModelTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private ModelFormatException LoadFails(string path, ModelProblemKind kind, string problemFragment)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Equal(kind, e.Kind);
        Assert.Contains(problemFragment, e.Problem);
        Assert.False(string.IsNullOrWhiteSpace(e.Fix));
        return e;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Missing_file() => LoadFails(_temp.File("nope.onnx"), ModelProblemKind.InvalidModel, "cannot read");

    [Fact]
    public void Directory_instead_of_file() => LoadFails(_temp.Path, ModelProblemKind.InvalidModel, "cannot read");

    [Fact]
    public void Empty_file() => LoadFails(Write("empty.onnx", []), ModelProblemKind.InvalidModel, "empty");

    [Fact]
    public void Truncated_real_model()
    {
        var bytes = File.ReadAllBytes(TestAssets.Detector);
        var e = LoadFails(Write("cut.onnx", bytes[..(bytes.Length / 2)]), ModelProblemKind.InvalidModel, "not a valid ONNX protobuf");
        Assert.IsType<InvalidProtocolBufferException>(e.InnerException);
    }

    [Fact]
    public void Random_bytes()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        LoadFails(Write("random.onnx", bytes), ModelProblemKind.InvalidModel, "not a valid ONNX protobuf");
    }

    [Fact]
    public void Text_file() => LoadFails(Write("readme.onnx", "hello, this is not a model\n"u8.ToArray()), ModelProblemKind.InvalidModel, "");

    [Fact]
    public void Protobuf_that_is_not_a_model()
    {
        // A backend-test input tensor: valid protobuf, wrong message.
        var tensor = Directory.EnumerateFiles(Path.Combine(TestAssets.OnnxTestData, "node", "test_add", "test_data_set_0"), "input_0.pb").Single();
        LoadFails(Write("tensor.onnx", File.ReadAllBytes(tensor)), ModelProblemKind.InvalidModel, "not a valid ONNX protobuf");
        // A message whose fields happen to fit ModelProto's wire types still is not a model.
        var dim = new TensorShapeProto.Types.Dimension { DimValue = 8, Denotation = "N" };
        LoadFails(Write("dim.onnx", dim.ToByteArray()), ModelProblemKind.InvalidModel, "no graph");
        LoadFails(Write("noir.onnx", new ModelProto { Graph = new GraphProto() }.ToByteArray()), ModelProblemKind.InvalidModel, "ir_version");
    }

    [Fact]
    public void Overflowing_dims()
    {
        var model = IoTestModels.AddChain(4);
        model.Graph.Initializer[0].Dims.Add(long.MaxValue / 2);
        LoadFails(Write("dims.onnx", model.ToByteArray()), ModelProblemKind.InvalidModel, "overflows");
        model.Graph.Initializer[0].Dims.Clear();
        model.Graph.Initializer[0].Dims.Add(1L << 61); // fits in long, but not once multiplied by an element size
        LoadFails(Write("huge.onnx", model.ToByteArray()), ModelProblemKind.InvalidModel, "overflows");
        model.Graph.Initializer[0].Dims[0] = -4;
        LoadFails(Write("neg.onnx", model.ToByteArray()), ModelProblemKind.InvalidModel, "negative");
    }

    private string ExternalModel(string location, string? offset = null, string? length = null, string name = "ext.onnx")
    {
        var model = IoTestModels.AddChain(4);
        var w = model.Graph.Initializer[0];
        w.ClearRawData();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is not null) w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
        if (length is not null) w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length });
        return Write(name, model.ToByteArray());
    }

    [Fact]
    public void Missing_external_data_file() =>
        LoadFails(ExternalModel("weights.bin"), ModelProblemKind.ExternalData, "weights.bin");

    [Fact]
    public void External_location_climbing_out_of_the_folder()
    {
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(_temp.Path)!, "outside.bin"), new byte[16]);
        LoadFails(ExternalModel("../outside.bin"), ModelProblemKind.ExternalData, "'..'");
        LoadFails(ExternalModel("sub/../../outside.bin"), ModelProblemKind.ExternalData, "'..'");
        LoadFails(ExternalModel("..\\outside.bin"), ModelProblemKind.ExternalData, "'..'");
    }

    [Fact]
    public void External_location_that_is_absolute()
    {
        LoadFails(ExternalModel("/etc/passwd"), ModelProblemKind.ExternalData, "absolute");
        LoadFails(ExternalModel("C:/Windows/win.ini"), ModelProblemKind.ExternalData, "absolute");
    }

    [Fact]
    public void External_location_through_a_symlink_out_of_the_folder()
    {
        var outside = Path.Combine(Path.GetDirectoryName(_temp.Path)!, $"outside-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(outside, new byte[16]);
        try
        {
            File.CreateSymbolicLink(_temp.File("link.bin"), outside);
            LoadFails(ExternalModel("link.bin"), ModelProblemKind.ExternalData, "outside the model's folder");
            Directory.CreateSymbolicLink(_temp.File("linkdir"), Path.GetDirectoryName(outside)!);
            LoadFails(ExternalModel("linkdir/" + Path.GetFileName(outside)), ModelProblemKind.ExternalData, "outside the model's folder");

            // A link that stays inside the folder is fine.
            File.WriteAllBytes(_temp.File("real.bin"), new byte[16]);
            File.CreateSymbolicLink(_temp.File("inside.bin"), "real.bin");
            Assert.Equal(16, ModelFile.Load(ExternalModel("inside.bin")).Graph.Initializer[0].RawData.Length);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void External_ranges_are_checked_against_the_file()
    {
        File.WriteAllBytes(_temp.File("w.bin"), new byte[20]);
        Assert.Equal(16, ModelFile.Load(ExternalModel("w.bin", "4", "16")).Graph.Initializer[0].RawData.Length);
        LoadFails(ExternalModel("w.bin", "40"), ModelProblemKind.ExternalData, "offset 40");
        LoadFails(ExternalModel("w.bin", "8", "16"), ModelProblemKind.ExternalData, "only 20 bytes");
        LoadFails(ExternalModel("w.bin", "0", "9223372036854775807"), ModelProblemKind.ExternalData, "only 20 bytes");
        LoadFails(ExternalModel("w.bin", "0", "12"), ModelProblemKind.ExternalData, "need 16");
        LoadFails(ExternalModel("w.bin", "-1"), ModelProblemKind.ExternalData, "not a non-negative integer");
        LoadFails(ExternalModel("w.bin", "0", "lots"), ModelProblemKind.ExternalData, "not a non-negative integer");
        LoadFails(ExternalModel(""), ModelProblemKind.ExternalData, "location");
    }

    [Fact]
    public void Stream_errors_name_the_display_name()
    {
        using var stream = new MemoryStream([1, 2, 3]);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(stream, _temp.Path, "upload.onnx"));
        Assert.StartsWith("upload.onnx: ", e.Message);
    }
}
