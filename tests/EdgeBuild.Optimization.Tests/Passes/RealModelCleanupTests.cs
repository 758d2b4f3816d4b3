using System.Security.Cryptography;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Passes;

public class RealModelCleanupTests
{
    public static TheoryData<string, long[]> Models => new()
    {
        { "detector", [1, 3, 96, 128] },
        { "classifier", [1, 3, 48, 192] },
    };

    private static string PathOf(string model) => model == "detector" ? TestAssets.Detector : TestAssets.Classifier;

    [Theory]
    [MemberData(nameof(Models))]
    public void Precision_none_keeps_outputs_and_writes_identical_bytes_twice(string which, long[] shape)
    {
        var source = PathOf(which);
        var sourceHash = SHA256.HashData(File.ReadAllBytes(source));
        using var dir = new TempDir();
        var first = Optimize(source, dir.File("a.onnx"));
        var second = Optimize(source, dir.File("b.onnx"));

        Assert.Equal(File.ReadAllBytes(first.OutputPath), File.ReadAllBytes(second.OutputPath));
        Assert.Equal(sourceHash, SHA256.HashData(File.ReadAllBytes(source)));
        Assert.True(first.OptimizedNodeCount < first.OriginalNodeCount);
        Assert.True(first.PassRewrites["batchnorm-folding"] > 0 || first.PassRewrites["constant-to-initializer"] > 0);

        var input = OrtRun.Random((int)shape.Aggregate(1L, (a, b) => a * b), seed: 5);
        var expected = OrtRun.Run(File.ReadAllBytes(source), ("x", input, shape));
        var actual = OrtRun.Run(File.ReadAllBytes(first.OutputPath), ("x", input, shape));
        foreach (var (name, values) in expected) OrtRun.AssertClose(values, actual[name], 1e-3f);
    }

    private static OptimizeResult Optimize(string source, string output) => ModelOptimizer.Optimize(new OptimizeRequest
    {
        ModelPath = source,
        OutputPath = output,
        TargetId = "rpi5",
        Precision = "none",
    });
}
