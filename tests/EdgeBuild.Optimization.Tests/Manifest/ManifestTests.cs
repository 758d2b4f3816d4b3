using System.Text;
using System.Text.Json;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Manifest;

public class ManifestTests
{
    private static readonly string[] ContractKeyOrder =
        ["schemaVersion", "className", "namespace", "modelFileName", "embedded", "resourceName", "sha256", "target", "precision", "session", "inputs", "outputs"];

    private static byte[] WriteFor(string? dims, out string modelPath, TempDir dir)
    {
        var model = new ModelBuilder()
            .Input("image", DType.Float, "batch", 3, "height", "width")
            .Input("scale", DType.Float, 1, Dim.Unknown)
            .Node("Mul", ["image", "scale"], ["y"])
            .Output("y", DType.Float, "batch", 3, "height", "width")
            .Build();
        modelPath = dir.File("tiny model.onnx");
        File.WriteAllBytes(modelPath, Google.Protobuf.MessageExtensions.ToByteArray(model));
        var manifest = dir.File("out.edgemodel.json");
        ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = modelPath,
            OutputPath = dir.File("tiny-model.onnx"),
            TargetId = "rpi5",
            Precision = "none",
            ManifestPath = manifest,
            Namespace = "MyApp",
            Dims = SignatureReader.ParseDims(dims),
        });
        return File.ReadAllBytes(manifest);
    }

    [Fact]
    public void Manifest_follows_the_contract_layout()
    {
        using var dir = new TempDir();
        var bytes = WriteFor("height=480;width=640", out _, dir);
        var text = Encoding.UTF8.GetString(bytes);

        Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("}\n", text);
        Assert.Contains("\n  \"schemaVersion\": 1,", text);

        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        Assert.Equal(ContractKeyOrder, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("TinyModel", root.GetProperty("className").GetString());
        Assert.Equal("tiny-model.onnx", root.GetProperty("modelFileName").GetString());
        Assert.Equal(64, root.GetProperty("sha256").GetString()!.Length);
        Assert.Equal(4, root.GetProperty("session").GetProperty("intraOpThreads").GetInt32());

        var image = root.GetProperty("inputs")[0];
        Assert.Equal("float32", image.GetProperty("elementType").GetString());
        Assert.Equal([1L, 3, 480, 640], image.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(["batch", null, "height", "width"], image.GetProperty("dimNames").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()));
        var scale = root.GetProperty("inputs")[1];
        Assert.Equal([1L, -1], scale.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public void Unresolved_symbolic_dims_are_minus_one_and_keep_their_names()
    {
        using var dir = new TempDir();
        using var doc = JsonDocument.Parse(WriteFor(null, out _, dir));

        var output = doc.RootElement.GetProperty("outputs")[0];
        Assert.Equal([1L, 3, -1, -1], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public void Same_inputs_give_identical_manifest_bytes()
    {
        using var dir1 = new TempDir();
        using var dir2 = new TempDir();

        Assert.Equal(WriteFor("height=8;width=8", out _, dir1), WriteFor("height=8;width=8", out _, dir2));
    }

    [Theory]
    [InlineData("H")]
    [InlineData("H=0")]
    [InlineData("H=abc")]
    public void Bad_dims_are_rejected_with_the_expected_format(string dims)
    {
        var e = Assert.Throws<OptimizationInputException>(() => SignatureReader.ParseDims(dims));
        Assert.Contains("N=1;H=640;W=640", e.Fix);
    }

    [Theory]
    // Found by HostileModelBuildTests: a fixed input dim of 2^63-1 was written to the manifest, and the generator
    // then called the manifest malformed ("rebuild") instead of naming the model.
    [InlineData(9223372036854775807L, "height=480;width=640", "EDGE0101")]
    [InlineData(-7L, "height=480;width=640", "EDGE0101")]
    [InlineData(3L, "height=200000;width=200000", "EDGE0002")]
    public void Inputs_no_array_can_hold_are_refused_before_anything_is_written(long channels, string dims, string code)
    {
        using var dir = new TempDir();
        var model = new ModelBuilder()
            .Input("image", DType.Float, "batch", 3, "height", "width")
            .Node("Relu", ["image"], ["y"])
            .Output("y", DType.Float, "batch", 3, "height", "width")
            .Build();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = channels;
        var modelPath = dir.File("m.onnx");
        File.WriteAllBytes(modelPath, Google.Protobuf.MessageExtensions.ToByteArray(model));
        var output = dir.File("M.onnx");

        var e = Assert.Throws<OptimizationInputException>(() => ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = modelPath,
            OutputPath = output,
            TargetId = "rpi5",
            Precision = "none",
            ManifestPath = dir.File("M.edgemodel.json"),
            Dims = SignatureReader.ParseDims(dims),
        }));

        Assert.Equal(code, e.Code);
        Assert.Contains("'image'", e.Problem, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("ch_PP-OCRv4_det_infer", "ChPPOCRv4DetInfer")]
    [InlineData("1st model", "Model1stModel")]
    [InlineData("---", "Model")]
    public void Class_names_come_from_file_names(string fileName, string expected) =>
        Assert.Equal(expected, PascalCase.ClassNameForFile(fileName));

    [Fact]
    public void Detector_axes_resolve_by_letter_and_output_shapes_are_probed()
    {
        using var dir = new TempDir();
        var manifest = dir.File("det.edgemodel.json");
        ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = EdgeBuild.Tests.Shared.TestAssets.Detector,
            OutputPath = dir.File("TextDetector.onnx"),
            TargetId = "rpi5",
            Precision = "none",
            ManifestPath = manifest,
            Dims = SignatureReader.ParseDims("N=1;H=64;W=96"),
        });

        using var doc = JsonDocument.Parse(File.ReadAllBytes(manifest));
        var input = doc.RootElement.GetProperty("inputs")[0];
        var output = doc.RootElement.GetProperty("outputs")[0];
        Assert.Equal([1L, 3, 64, 96], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("p2o.DynamicDimension.1", input.GetProperty("dimNames")[2].GetString());
        Assert.Equal([1L, 1, 64, 96], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public void Target_defaults_resolve_the_batch_axis()
    {
        var target = ProfileCatalog.Get("rpi5").DimDefaults;

        Assert.Equal(1, target.Resolve("anything", 0));
        Assert.Null(target.Resolve("anything", 2));
        Assert.Equal(1, target.Resolve("batch_size", 3));
    }
}
