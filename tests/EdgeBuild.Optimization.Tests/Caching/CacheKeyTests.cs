using System.Text.Json.Nodes;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Caching;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Caching;

public sealed class CacheKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A workspace with the real classifier model and three real calibration images.</summary>
    private string Workspace(string name)
    {
        var root = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.Combine(root, "calib"));
        File.Copy(TestAssets.Classifier, Path.Combine(root, "cls.onnx"));
        foreach (var image in Directory.EnumerateFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).Take(3))
            File.Copy(image, Path.Combine(root, "calib", Path.GetFileName(image)));
        return root;
    }

    private static string Key(string root, DeviceProfile? profile = null, string options = """{"precision":"int8","dims":{"H":48}}""", string tool = "t1") =>
        new CacheKeyBuilder()
            .AddModel(Path.Combine(root, "cls.onnx"))
            .AddData("calibration", Path.Combine(root, "calib", "*.png"))
            .AddData("validation", null)
            .AddProfile(profile ?? ProfileCatalog.Get("rpi5"))
            .AddJson("options", JsonNode.Parse(options))
            .AddToolVersion(tool)
            .Build();

    [Fact]
    public void Same_inputs_in_another_folder_give_the_same_key()
    {
        var a = Key(Workspace("a"));
        Assert.Matches("^[0-9a-f]{64}$", a);
        Assert.Equal(a, Key(Workspace("b")));
    }

    [Fact]
    public void Option_key_order_and_formatting_do_not_matter()
    {
        var root = Workspace("a");
        Assert.Equal(Key(root), Key(root, options: """{ "dims": { "H": 48 }, "precision": "int8" }"""));
    }

    [Fact]
    public void Any_change_to_model_data_profile_options_or_tool_changes_the_key()
    {
        var root = Workspace("a");
        var baseline = Key(root);
        var keys = new List<string>();

        keys.Add(Key(root, ProfileCatalog.Get("rpi4")));
        keys.Add(Key(root, ProfileCatalog.Get("rpi5") with { Session = ProfileCatalog.Get("rpi5").Session with { IntraOpThreads = 3 } }));
        keys.Add(Key(root, options: """{"precision":"int8","dims":{"H":64}}"""));
        keys.Add(Key(root, tool: "t2"));

        var model = Path.Combine(root, "cls.onnx");
        var bytes = File.ReadAllBytes(model);
        var parsed = ModelProto.Parser.ParseFrom(bytes);
        parsed.DocString += " ";
        File.WriteAllBytes(model, parsed.ToByteArray());
        keys.Add(Key(root));
        File.WriteAllBytes(model, bytes);
        Assert.Equal(baseline, Key(root));

        var calib = Directory.GetFiles(Path.Combine(root, "calib")).Order(StringComparer.Ordinal).ToArray();
        var image = File.ReadAllBytes(calib[0]);
        File.WriteAllBytes(calib[0], [.. image[..^1], (byte)(image[^1] ^ 1)]);
        keys.Add(Key(root));
        File.WriteAllBytes(calib[0], image);

        File.Move(calib[1], calib[1] + ".renamed.png");
        keys.Add(Key(root));
        File.Move(calib[1] + ".renamed.png", calib[1]);

        File.Copy(calib[2], Path.Combine(root, "calib", "extra.png"));
        keys.Add(Key(root));
        File.Delete(Path.Combine(root, "calib", "extra.png"));

        Assert.Equal(baseline, Key(root));
        Assert.DoesNotContain(baseline, keys);
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void External_data_files_are_found_and_their_contents_are_part_of_the_key()
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        var weights = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        weights.Dims.Add(4);
        weights.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        weights.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        model.Graph.Initializer.Add(weights);
        var path = Path.Combine(_dir, "ext.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        File.WriteAllBytes(Path.Combine(_dir, "weights.bin"), new byte[16]);

        Assert.Equal(["weights.bin"], CacheKeyBuilder.ExternalDataFiles(path));
        var before = new CacheKeyBuilder().AddModel(path).Build();
        File.WriteAllBytes(Path.Combine(_dir, "weights.bin"), [.. new byte[15], 1]);
        Assert.NotEqual(before, new CacheKeyBuilder().AddModel(path).Build());
    }

    [Fact]
    public void Data_sets_expand_files_folders_and_globs_sorted_by_relative_path()
    {
        var root = Path.Combine(_dir, "data");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        foreach (var name in new[] { "b.npy", "a.npy", "c.txt", "sub/d.npy" }) File.WriteAllText(Path.Combine(root, name), name);

        Assert.Equal(["a.npy", "b.npy"], DataFileSet.Expand(Path.Combine(root, "*.npy")).Files.Select(f => f.RelativePath));
        Assert.Equal(["a.npy", "b.npy", "sub/d.npy"], DataFileSet.Expand(Path.Combine(root, "**/*.npy")).Files.Select(f => f.RelativePath));
        Assert.Equal(["a.npy", "b.npy", "c.txt", "sub/d.npy"], DataFileSet.Expand(root).Files.Select(f => f.RelativePath));
        Assert.Equal(["c.txt"], DataFileSet.Expand(Path.Combine(root, "c.txt")).Files.Select(f => f.RelativePath));
        Assert.Throws<FileNotFoundException>(() => DataFileSet.Expand(Path.Combine(root, "missing.npy")));
    }
}
