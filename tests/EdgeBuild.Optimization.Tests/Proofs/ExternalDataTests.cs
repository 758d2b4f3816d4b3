using EdgeBuild.Onnx;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>
/// Acceptance 4, external data: a source whose weights live in a .data file goes through optimize at none and int8,
/// and an output written with external data (OptimizeRequest.ExternalData, automatic past 2 GB) loads and computes
/// the same as the inline output.
/// </summary>
public sealed class ExternalDataTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("none")]
    [InlineData("int8")]
    public void A_source_with_external_data_is_optimized_and_left_untouched(string precision)
    {
        var source = Path.Combine(Directory.CreateDirectory(_dir.File("source")).FullName, "convnet.onnx");
        ModelFile.Save(ProofModels.ConvNet(), source, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataThreshold = 64 });
        var data = source + ".data";
        Assert.True(new FileInfo(data).Length > new FileInfo(source).Length, "the weights must really be external");
        var hashes = (OptimizedOutputs.Hash(source), OptimizedOutputs.Hash(data));

        var result = ModelOptimizer.Optimize(Request(source, _dir.File($"out-{precision}.onnx"), precision));

        Assert.Equal(hashes, (OptimizedOutputs.Hash(source), OptimizedOutputs.Hash(data)));
        Assert.False(File.Exists(result.OutputPath + ".data"), "small outputs are written inline");
        Assert.Equal(new FileInfo(source).Length + new FileInfo(data).Length, result.OriginalBytes); // the size ratio counts the weights
        var input = OrtRun.Random(3 * 16 * 16, seed: 77);
        var expected = RunFile(source, input)["y"];
        var actual = RunFile(result.OutputPath, input)["y"];
        OrtRun.AssertClose(expected, actual, precision == "none" ? 1e-4f : 0.15f);
    }

    [Fact]
    public void An_output_with_external_data_loads_passes_the_checker_and_matches_the_inline_output()
    {
        // MatMulNet: its int8 weights are over ONNX's 1 KB external-data threshold (ConvNet's are not).
        var source = _dir.File("matmulnet.onnx");
        ModelFile.Save(ProofModels.MatMulNet(), source);
        var inline = ModelOptimizer.Optimize(Request(source, _dir.File("inline/model.onnx"), "int8", ProofModels.MatMulNetInput));
        var external = ModelOptimizer.Optimize(Request(source, _dir.File("external/model.onnx"), "int8", ProofModels.MatMulNetInput) with { ExternalData = true });
        var again = ModelOptimizer.Optimize(Request(source, _dir.File("again/model.onnx"), "int8", ProofModels.MatMulNetInput) with { ExternalData = true });

        var dataPath = external.OutputPath + ".data";
        Assert.True(File.Exists(dataPath));
        Assert.Contains(ModelFile.Load(external.OutputPath).Graph.Initializer, t => t.DataType == Onnx.Graph.DType.Int8);
        Assert.True(new FileInfo(external.OutputPath).Length < inline.OptimizedBytes, "weights moved out of the .onnx");
        Assert.Equal(new FileInfo(external.OutputPath).Length + new FileInfo(dataPath).Length, external.OptimizedBytes);
        Assert.Equal(File.ReadAllBytes(external.OutputPath), File.ReadAllBytes(again.OutputPath));
        Assert.Equal(File.ReadAllBytes(dataPath), File.ReadAllBytes(again.OutputPath + ".data"));

        var input = OrtRun.Random(4 * 32, seed: 78);
        Assert.Equal(RunFile(inline.OutputPath, input, ProofModels.MatMulNetInput)["y"], RunFile(external.OutputPath, input, ProofModels.MatMulNetInput)["y"]);
        var (exitCode, text) = OnnxChecker.Run([external.OutputPath]);
        output.WriteLine(text);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void The_manifest_records_the_data_file_and_the_written_pair_is_the_verified_model()
    {
        var source = _dir.File("matmulnet.onnx");
        ModelFile.Save(ProofModels.MatMulNet(), source);
        var manifestPath = _dir.File("out/model.edgemodel.json");
        var request = Request(source, _dir.File("out/model.onnx"), "none", ProofModels.MatMulNetInput) with { ExternalData = true, ManifestPath = manifestPath };

        var result = ModelOptimizer.Optimize(request);

        var dataPath = Path.GetFullPath(request.OutputPath) + ".data";
        Assert.Equal(dataPath, result.ExternalDataPath);
        using (var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifestPath)))
        {
            var data = manifest.RootElement.GetProperty("externalData");
            Assert.Equal("model.onnx.data", data.GetProperty("fileName").GetString());
            Assert.Equal(OptimizedOutputs.Hash(dataPath).ToLowerInvariant(), data.GetProperty("sha256").GetString());
            Assert.Equal(OptimizedOutputs.Hash(request.OutputPath).ToLowerInvariant(), manifest.RootElement.GetProperty("sha256").GetString());
        }

        // The written pair compares equal to the model as loaded back; one flipped byte of the data file is found.
        var written = ModelFile.Load(request.OutputPath);
        Assert.Null(ModelFile.CompareWritten(written, request.OutputPath, out var externalTensors));
        Assert.True(externalTensors >= 2, $"{externalTensors} tensors external");
        var bytes = File.ReadAllBytes(dataPath);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(dataPath, bytes);
        Assert.Contains("differs in 'model.onnx.data'", ModelFile.CompareWritten(written, request.OutputPath, out _));

        // Written inline again to the same output: the data file of the earlier run goes, nothing stale ships.
        var inline = ModelOptimizer.Optimize(request with { ExternalData = false });
        Assert.Null(inline.ExternalDataPath);
        Assert.False(File.Exists(dataPath));
        Assert.DoesNotContain("externalData", File.ReadAllText(manifestPath));
    }

    [Fact]
    public void External_data_cannot_be_embedded()
    {
        var source = _dir.File("convnet.onnx");
        ModelFile.Save(ProofModels.ConvNet(), source);
        var request = Request(source, _dir.File("embedded.onnx"), "none") with { ExternalData = true, Embed = true };

        var e = Assert.Throws<OptimizationInputException>(() => ModelOptimizer.Optimize(request));

        Assert.Equal("EDGE0002", e.Code);
        Assert.False(File.Exists(request.OutputPath));
    }

    private OptimizeRequest Request(string source, string outputPath, string precision, long[]? inputShape = null) => new()
    {
        ModelPath = source,
        OutputPath = outputPath,
        TargetId = "rpi5",
        Precision = precision,
        CalibrationData = precision == "none" ? null : Npy.RandomSamples(_dir, "samples-" + string.Join("x", inputShape ?? ProofModels.ConvNetInput), 8, inputShape ?? ProofModels.ConvNetInput),
        MinSqnrDb = double.NegativeInfinity,
    };

    /// <summary>Runs a model from its file, so ORT resolves external data next to it.</summary>
    private static Dictionary<string, float[]> RunFile(string path, float[] input, long[]? shape = null)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape ?? ProofModels.ConvNetInput);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [value], ["y"]);
        return new Dictionary<string, float[]> { ["y"] = outputs[0].GetTensorDataAsSpan<float>().ToArray() };
    }
}
