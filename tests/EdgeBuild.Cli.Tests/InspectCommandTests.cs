using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeBuild.Onnx;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgebuild-cli-tests", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>docs/contracts.md: `&lt;file path&gt;: error EDGE0101: &lt;what is wrong&gt;. &lt;how to fix it&gt;.`</summary>
    private static readonly Regex CanonicalError = new(@"^(?<file>.+): error (?<code>EDGE01\d\d): (?<what>.+)\. (?<fix>[^.].*)\.$", RegexOptions.Compiled);

    private static JsonElement InspectJson(string path)
    {
        var run = CliRun.Of("inspect", path, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    [Fact]
    public void Detector_input_is_x_float32_with_its_symbolic_dims()
    {
        var json = InspectJson(TestAssets.Detector);
        var x = Assert.Single(json.GetProperty("inputs").EnumerateArray());
        Assert.Equal("x", x.GetProperty("name").GetString());
        Assert.Equal("float32", x.GetProperty("elementType").GetString());
        Assert.Equal([-1L, 3, -1, -1], x.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(["p2o.DynamicDimension.0", null, "p2o.DynamicDimension.1", "p2o.DynamicDimension.2"],
            x.GetProperty("dimNames").EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Null ? null : d.GetString()));
        var y = Assert.Single(json.GetProperty("outputs").EnumerateArray());
        Assert.Equal("sigmoid_0.tmp_0", y.GetProperty("name").GetString());
        Assert.Equal(4_745_517, json.GetProperty("protobufBytes").GetInt64());
        Assert.Empty(json.GetProperty("externalDataFiles").EnumerateArray());

        var text = CliRun.Of("inspect", TestAssets.Detector);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("x  float32  [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2]", text.Stdout);
    }

    public static TheoryData<string> Models => new()
    {
        "det", "cls",
        "node/test_if", "node/test_if_seq", "node/test_loop11", "node/test_loop13_seq", "node/test_scan9_sum",
        "node/test_split_equal_parts_1d", "node/test_dropout_default_mask",
        "node/test_sequence_map_identity_1_sequence_1_tensor_expanded", "simple/test_sequence_model8",
        "pytorch-converted/test_Conv2d",
    };

    private static string ModelPath(string id) => id switch
    {
        "det" => TestAssets.Detector,
        "cls" => TestAssets.Classifier,
        _ => Path.Combine(TestAssets.OnnxTestData, id, "model.onnx"),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Json_matches_the_reference_implementations_reading(string id)
    {
        var path = ModelPath(id);
        var json = InspectJson(path);
        var oracle = OnnxOracle.Read(path);

        Assert.Equal(oracle.GetProperty("ir").GetInt64(), json.GetProperty("irVersion").GetInt64());
        Assert.Equal(oracle.GetProperty("opsets").EnumerateArray().Select(o => $"{o[0].GetString()}:{o[1].GetInt64()}"),
            json.GetProperty("opsetImports").EnumerateArray().Select(o => $"{o.GetProperty("domain").GetString()}:{o.GetProperty("version").GetInt64()}"));
        AssertValues(oracle.GetProperty("inputs"), json.GetProperty("inputs"));
        AssertValues(oracle.GetProperty("outputs"), json.GetProperty("outputs"));

        var ops = json.GetProperty("opHistogram").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var expectedOps = oracle.GetProperty("ops").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(expectedOps.OrderBy(p => p.Key), ops.OrderBy(p => p.Key));
        Assert.Equal(expectedOps.Values.Sum(), json.GetProperty("nodeCount").GetInt32());

        var parameters = json.GetProperty("parameters");
        var expectedParams = oracle.GetProperty("params").EnumerateObject().ToList();
        Assert.Equal(expectedParams.Sum(p => p.Value[0].GetInt64()), parameters.GetProperty("count").GetInt64());
        Assert.Equal(expectedParams.Sum(p => p.Value[1].GetInt64()), parameters.GetProperty("bytes").GetInt64());
        Assert.Equal(expectedParams.Count, parameters.GetProperty("byElementType").GetArrayLength());
    }

    private static void AssertValues(JsonElement expected, JsonElement actual)
    {
        Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
        foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
        {
            Assert.Equal(e.GetProperty("name").GetString(), a.GetProperty("name").GetString());
            if (e.GetProperty("elem").ValueKind == JsonValueKind.Number)
                Assert.Equal(ElementTypes.Name(e.GetProperty("elem").GetInt32()), a.GetProperty("elementType").GetString());
            else
                Assert.Matches("^(sequence|optional|map|sparse)", a.GetProperty("elementType").GetString());

            var dims = e.GetProperty("dims");
            if (dims.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, a.GetProperty("shape").ValueKind);
                continue;
            }

            var shape = a.GetProperty("shape").EnumerateArray().ToList();
            var names = a.GetProperty("dimNames").EnumerateArray().ToList();
            Assert.Equal(dims.GetArrayLength(), shape.Count);
            for (var i = 0; i < shape.Count; i++)
            {
                var d = dims[i];
                if (d.ValueKind == JsonValueKind.String)
                {
                    Assert.Equal(d.GetString(), names[i].GetString());
                    Assert.Equal(-1, shape[i].GetInt64());
                }
                else
                {
                    Assert.Equal(JsonValueKind.Null, names[i].ValueKind);
                    Assert.Equal(d.ValueKind == JsonValueKind.Null ? -1 : d.GetInt64(), shape[i].GetInt64());
                }
            }
        }
    }

    [Fact]
    public void Subgraph_ops_are_counted()
    {
        var json = InspectJson(ModelPath("node/test_if"));
        Assert.Equal(2, json.GetProperty("subgraphCount").GetInt32());
        Assert.True(json.GetProperty("nodeCount").GetInt32() > 1);
        Assert.Equal(2, json.GetProperty("opHistogram").GetProperty("Constant").GetInt32()); // one in each branch
    }

    [Fact]
    public void External_data_files_are_listed()
    {
        var path = Path.Combine(_temp, "cls.onnx");
        ModelFile.Save(ModelFile.Load(TestAssets.Classifier), path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataFileName = "cls.weights" });
        var json = InspectJson(path);
        var file = Assert.Single(json.GetProperty("externalDataFiles").EnumerateArray());
        Assert.Equal("cls.weights", file.GetProperty("location").GetString());
        Assert.Equal(new FileInfo(Path.Combine(_temp, "cls.weights")).Length, file.GetProperty("bytes").GetInt64());
        Assert.True(file.GetProperty("tensors").GetInt32() > 10);
        Assert.Equal(InspectJson(TestAssets.Classifier).GetProperty("parameters").ToString(), json.GetProperty("parameters").ToString());
    }

    [Fact]
    public void Output_is_deterministic()
    {
        Assert.Equal(CliRun.Of("inspect", TestAssets.Detector, "--json").Stdout, CliRun.Of("inspect", TestAssets.Detector, "--json").Stdout);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "empty.onnx", "EDGE0101" },
        { "truncated.onnx", "EDGE0101" },
        { "random.onnx", "EDGE0101" },
        { "tensor.onnx", "EDGE0101" },
        { "missing.onnx", "EDGE0101" },
        { "escape.onnx", "EDGE0102" },
        { "nodata.onnx", "EDGE0102" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_input_prints_one_canonical_line_and_exits_2(string name, string code)
    {
        var path = Path.Combine(_temp, name);
        var detector = File.ReadAllBytes(TestAssets.Detector);
        switch (name)
        {
            case "empty.onnx": File.WriteAllBytes(path, []); break;
            case "truncated.onnx": File.WriteAllBytes(path, detector[..100_000]); break;
            case "random.onnx": File.WriteAllBytes(path, Enumerable.Range(0, 999).Select(i => (byte)(i * 7919 % 251)).ToArray()); break;
            case "tensor.onnx": File.Copy(Path.Combine(TestAssets.OnnxTestData, "node/test_add/test_data_set_0/input_0.pb"), path); break;
            case "escape.onnx":
            case "nodata.onnx":
                ModelFile.Save(ModelFile.Load(TestAssets.Classifier), path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataFileName = "w.bin" });
                if (name == "nodata.onnx") File.Delete(Path.Combine(_temp, "w.bin"));
                else File.WriteAllBytes(path, File.ReadAllBytes(path).Select(b => b).ToArray().Replace("w.bin"u8, "../wb"u8));
                break;
        }

        var run = CliRun.Of("inspect", path, "--json");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        var match = CanonicalError.Match(line);
        Assert.True(match.Success, line);
        Assert.Equal(path, match.Groups["file"].Value);
        Assert.Equal(code, match.Groups["code"].Value);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, CliRun.Of("inspect").ExitCode);
        Assert.Equal(2, CliRun.Of("inspect", TestAssets.Detector, "--jsn").ExitCode);
        Assert.Equal(2, CliRun.Of("inspect", TestAssets.Detector, "extra").ExitCode);
        var help = CliRun.Of("inspect", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("edgebuild inspect <MODEL> [options]", help.Stdout);
    }
}

internal static class ByteArrayReplace
{
    /// <summary>Replaces every occurrence of a byte pattern with one of the same length (keeps protobuf lengths valid).</summary>
    public static byte[] Replace(this byte[] bytes, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        if (from.Length != to.Length) throw new ArgumentException("same-length replacement only");
        var result = bytes.ToArray();
        for (var i = result.AsSpan().IndexOf(from); i >= 0;)
        {
            to.CopyTo(result.AsSpan(i));
            var next = result.AsSpan(i + from.Length).IndexOf(from);
            i = next < 0 ? -1 : i + from.Length + next;
        }

        return result;
    }
}
