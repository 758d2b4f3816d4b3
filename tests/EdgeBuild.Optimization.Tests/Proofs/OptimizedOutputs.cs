using System.Security.Cryptography;
using EdgeBuild.Onnx;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>
/// Runs `optimize` once per (model, precision) for the proof tests: the real detector and classifier and the
/// synthetic models, at none and int8. Int8 runs with the budget off (no accuracy fallback): these tests are
/// about well-formed, reproducible files, and the fallback changes which nodes are quantized, not the kinds of ops.
/// </summary>
public sealed class OptimizedOutputs : IDisposable
{
    private const string DetectorPreprocess = "resize=fit:256:32;channels=bgr;mean=0.485,0.456,0.406;std=0.229,0.224,0.225";
    private const string ClassifierPreprocess = "resize=exact:48x192;channels=bgr;mean=0.5;std=0.5";

    private static readonly string[] Images = ["astronaut.png", "chelsea.png", "coffee.png", "page.png", "text.png", "rocket.jpg", "motorcycle_left.png", "brick.png"];

    private readonly TempDir _dir = new();

    public OptimizedOutputs()
    {
        var images = _dir.File("images");
        Directory.CreateDirectory(images);
        foreach (var image in Images) File.Copy(Path.Combine(TestAssets.ImagesDir, image), Path.Combine(images, image));
        ImageGlob = Path.Combine(images, "*.*");

        ModelFile.Save(ProofModels.ConvNet(), ConvNetPath = _dir.File("convnet.onnx"));
        ModelFile.Save(ProofModels.MatMulNet(), MatMulNetPath = _dir.File("matmulnet.onnx"));
        ConvNetSamples = Npy.RandomSamples(_dir, "convnet-samples", 8, ProofModels.ConvNetInput);
        MatMulNetSamples = Npy.RandomSamples(_dir, "matmulnet-samples", 8, ProofModels.MatMulNetInput);

        SourceHashes = Sources().ToDictionary(s => s, s => Hash(s));
        foreach (var request in Requests("first")) Results[Path.GetFileNameWithoutExtension(request.OutputPath)] = ModelOptimizer.Optimize(request);
    }

    public string ConvNetPath { get; }
    public string MatMulNetPath { get; }
    public string ConvNetSamples { get; }
    public string MatMulNetSamples { get; }
    public string ImageGlob { get; }

    /// <summary>SHA-256 of every source model before any optimization ran.</summary>
    public IReadOnlyDictionary<string, string> SourceHashes { get; }

    /// <summary>Results by output name ("detector-none", "classifier-int8", ...).</summary>
    public Dictionary<string, OptimizeResult> Results { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> Sources() => [TestAssets.Detector, TestAssets.Classifier, ConvNetPath, MatMulNetPath];

    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The requests, writing into the folder <paramref name="run"/>; the same inputs every time.</summary>
    public IEnumerable<OptimizeRequest> Requests(string run)
    {
        var output = _dir.File(run);
        Directory.CreateDirectory(output);
        OptimizeRequest Request(string name, string model, string precision, string? data = null, string? preprocess = null) => new()
        {
            ModelPath = model,
            OutputPath = Path.Combine(output, name + ".onnx"),
            TargetId = "rpi5",
            Precision = precision,
            CalibrationData = data,
            Preprocess = preprocess,
            MinSqnrDb = double.NegativeInfinity,
        };

        yield return Request("detector-none", TestAssets.Detector, "none");
        yield return Request("detector-int8", TestAssets.Detector, "int8", ImageGlob, DetectorPreprocess);
        yield return Request("classifier-none", TestAssets.Classifier, "none");
        yield return Request("classifier-int8", TestAssets.Classifier, "int8", ImageGlob, ClassifierPreprocess);
        yield return Request("convnet-none", ConvNetPath, "none");
        yield return Request("convnet-int8", ConvNetPath, "int8", ConvNetSamples);
        yield return Request("matmulnet-none", MatMulNetPath, "none");
        yield return Request("matmulnet-int8", MatMulNetPath, "int8", MatMulNetSamples);
    }

    public void Dispose() => _dir.Dispose();
}
