using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Onnx.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Real_detector_saves_back_byte_identical()
    {
        var target = _temp.File("det.onnx");
        ModelFile.Save(ModelFile.Load(TestAssets.Detector), target);
        Assert.Equal(File.ReadAllBytes(TestAssets.Detector), File.ReadAllBytes(target));
    }

    [Fact]
    public void External_data_round_trips_to_the_original_bytes()
    {
        var original = ModelFile.Load(TestAssets.Detector);
        var external = _temp.File("det.onnx");
        ModelFile.Save(original, external, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });

        Assert.True(File.Exists(external + ".data"));
        Assert.True(new FileInfo(external).Length < 200_000, "weights should have moved out of the protobuf");
        var raw = ModelProto.Parser.ParseFrom(File.ReadAllBytes(external));
        // paddle2onnx keeps every weight in a Constant node, none in initializers.
        var constants = raw.Graph.Node.Where(n => n.OpType == "Constant").Select(n => n.Attribute.Single(a => a.Name == "value").T).ToList();
        var moved = constants.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, t => Assert.Equal("det.onnx.data", t.ExternalData.Single(e => e.Key == "location").Value));
        Assert.All(constants.Except(moved), t => Assert.True(t.RawData.Length < 1024));

        var loaded = ModelFile.LoadWithDetails(external);
        var file = Assert.Single(loaded.ExternalDataFiles);
        Assert.Equal("det.onnx.data", file.Location);
        Assert.Equal(moved.Count, file.TensorCount);

        var inline = _temp.File("inline.onnx");
        ModelFile.Save(loaded.Model, inline);
        Assert.Equal(File.ReadAllBytes(TestAssets.Detector), File.ReadAllBytes(inline));
    }

    [Fact]
    public void Save_leaves_the_callers_model_unchanged()
    {
        var model = IoTestModels.AddChain(4096, 4096);
        var before = model.ToByteArray();
        ModelFile.Save(model, _temp.File("m.onnx"), new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        Assert.Equal(before, model.ToByteArray());
    }

    [Fact]
    public void Filter_and_file_name_pick_what_goes_external_and_where()
    {
        var model = IoTestModels.AddChain(300, 300, 300);
        var path = _temp.File("m.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions
        {
            ExternalData = ExternalDataPolicy.Always,
            ExternalTensorFilter = t => t.Name == "w1",
            ExternalDataFileName = "weights.bin",
        });

        var raw = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var w1 = raw.Graph.Initializer.Single(t => t.Name == "w1");
        Assert.Equal(TensorProto.Types.DataLocation.External, w1.DataLocation);
        Assert.Equal(["location", "offset", "length"], w1.ExternalData.Select(e => e.Key));
        Assert.Equal(["weights.bin", "0", "1200"], w1.ExternalData.Select(e => e.Value));
        Assert.All(raw.Graph.Initializer.Where(t => t.Name != "w1"), t => Assert.True(t.HasRawData));
        Assert.Equal(1200, new FileInfo(_temp.File("weights.bin")).Length);
        Assert.Equal(model, ModelFile.Load(path));
    }

    [Fact]
    public void Threshold_keeps_small_tensors_inline()
    {
        var model = IoTestModels.AddChain(10, 10);
        model.Graph.Initializer[1] = new TensorProto(model.Graph.Initializer[1]) { RawData = ByteString.CopyFrom(new byte[4000]), Dims = { } };
        model.Graph.Initializer[1].Dims.Clear();
        model.Graph.Initializer[1].Dims.Add(1000);
        var path = _temp.File("m.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataThreshold = 100 });
        var raw = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.True(raw.Graph.Initializer[0].HasRawData);
        Assert.Equal(TensorProto.Types.DataLocation.External, raw.Graph.Initializer[1].DataLocation);
    }

    [Fact]
    public void Model_over_the_protobuf_limit_gets_external_data_automatically()
    {
        var model = IoTestModels.AddChain(5000, 5000, 5000);
        var path = _temp.File("big.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions { ProtobufLimit = 30_000 });
        Assert.True(File.Exists(path + ".data"));
        Assert.True(new FileInfo(path).Length < 30_000);
        Assert.Equal(model, ModelFile.Load(path));

        var small = _temp.File("small.onnx");
        ModelFile.Save(model, small, new ModelSaveOptions { ProtobufLimit = 100_000 });
        Assert.False(File.Exists(small + ".data"));

        var never = Assert.Throws<ModelFormatException>(() =>
            ModelFile.Save(model, _temp.File("never.onnx"), new ModelSaveOptions { ProtobufLimit = 30_000, ExternalData = ExternalDataPolicy.Never }));
        Assert.Contains("2 GB", never.Message);
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, "never*"));
    }

    [Fact]
    public void Large_external_tensors_are_aligned_for_memory_mapping()
    {
        var model = IoTestModels.AddChain(100, 300_000);
        model.Graph.Initializer[1].Dims[0] = 300_000;
        var path = _temp.File("m.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataThreshold = 0 });
        var raw = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal("0", raw.Graph.Initializer[0].ExternalData.Single(e => e.Key == "offset").Value);
        Assert.Equal("65536", raw.Graph.Initializer[1].ExternalData.Single(e => e.Key == "offset").Value);
        Assert.Equal(model, ModelFile.Load(path));
    }

    [Fact]
    public void Unknown_fields_survive_a_round_trip()
    {
        // Field 99 (varint) on the model and field 98 (bytes) on the graph: numbers no ONNX version uses.
        var model = IoTestModels.AddChain(8);
        var graphBytes = model.Graph.ToByteArray().Concat(new byte[] { 0x92, 0x06, 0x03, (byte)'a', (byte)'b', (byte)'c' }).ToArray();
        var withoutGraph = model.Clone();
        withoutGraph.Graph = null;
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        withoutGraph.WriteTo(output);
        output.WriteTag(7, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(graphBytes));
        output.WriteTag(99, WireFormat.WireType.Varint);
        output.WriteInt64(12345);
        output.Flush();
        var source = _temp.File("unknown.onnx");
        File.WriteAllBytes(source, buffer.ToArray());

        var target = _temp.File("saved.onnx");
        ModelFile.Save(ModelFile.Load(source), target);
        var saved = File.ReadAllBytes(target);
        Assert.Equal(File.ReadAllBytes(source).Length, saved.Length);
        Assert.True(saved.AsSpan().IndexOf(new byte[] { 0x92, 0x06, 0x03, (byte)'a', (byte)'b', (byte)'c' }) >= 0, "graph's unknown field lost");
        Assert.True(saved.AsSpan().EndsWith(new byte[] { 0x98, 0x06, 0xB9, 0x60 }), "model's unknown field 99 = 12345 lost");
    }

    [Fact]
    public void Initializers_are_spans_over_the_loaded_data()
    {
        var model = IoTestModels.AddChain(1000, 1000);
        var path = _temp.File("m.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        var loaded = ModelFile.Load(path);
        var w1 = loaded.Graph.Initializer[1];
        Assert.Equal(1000, TensorData.ElementCount(w1));
        Assert.True(TensorData.RawBytes(w1).SequenceEqual(model.Graph.Initializer[1].RawData.Span));
        Assert.Equal(1f + 5f, TensorData.Values<float>(w1)[5]);
        // the same span twice: no copy per access
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(TensorData.RawBytes(w1)),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(TensorData.RawBytes(w1))));
    }

    [Fact]
    public void Stream_load_resolves_external_data_in_the_given_folder()
    {
        var model = IoTestModels.AddChain(1000);
        var path = _temp.File("m.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        using var stream = File.OpenRead(path);
        Assert.Equal(model, ModelFile.Load(stream, _temp.Path));

        using var again = File.OpenRead(path);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(again, Path.GetTempPath(), "from-stream.onnx"));
        Assert.Equal(ModelProblemKind.ExternalData, e.Kind);
        Assert.StartsWith("from-stream.onnx: ", e.Message);
    }

    [Fact]
    public void Loading_and_saving_never_modifies_the_source()
    {
        var model = IoTestModels.AddChain(1000, 1000);
        var path = _temp.File("m.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        var before = File.ReadAllBytes(path).Concat(File.ReadAllBytes(path + ".data")).ToArray();

        var loaded = ModelFile.Load(path);
        Directory.CreateDirectory(_temp.File("out"));
        ModelFile.Save(loaded, _temp.File("out/m.onnx"), new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        Assert.Equal(before, File.ReadAllBytes(path).Concat(File.ReadAllBytes(path + ".data")).ToArray());

        // Saving over the source itself works because load read the data into memory.
        ModelFile.Save(loaded, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        Assert.Equal(model, ModelFile.Load(path));
        Assert.Equal(["m.onnx", "m.onnx.data", "out"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Failed_save_leaves_no_file_behind()
    {
        var model = IoTestModels.AddChain(1000);
        Assert.Throws<ArgumentException>(() => ModelFile.Save(model, _temp.File("m.onnx"),
            new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataFileName = "../escape.data" }));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));

        // The rename onto the destination fails (a folder is in the way): the written temporary goes too.
        Directory.CreateDirectory(_temp.File("taken.onnx"));
        Assert.ThrowsAny<IOException>(() => ModelFile.Save(model, _temp.File("taken.onnx")));
        Assert.Equal(["taken.onnx"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Large_models_load_through_the_memory_map_path_with_the_same_result_and_errors()
    {
        // 5 × 4 MB: above the 16 MB threshold where Load parses from a memory map instead of a buffer.
        var model = IoTestModels.AddChain(1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20);
        var path = _temp.File("large.onnx");
        ModelFile.Save(model, path);
        Assert.True(new FileInfo(path).Length > 16 << 20);
        Assert.Equal(model, ModelFile.Load(path));

        var copy = _temp.File("copy.onnx");
        ModelFile.Save(ModelFile.Load(path), copy);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(copy));

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
    }
}
