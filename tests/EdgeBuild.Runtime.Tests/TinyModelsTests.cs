using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace EdgeBuild.Runtime.Tests;

public sealed class TinyModelsTests
{
    [Theory]
    [InlineData("tiny_affine.onnx")]
    [InlineData("mixed_types.onnx")]
    [InlineData("dynamic_batch.onnx")]
    public void Committed_model_equals_what_the_code_builds(string fileName)
    {
        var built = TinyModels.Bytes(TinyModels.All[fileName]());
        var committed = Path.Combine(TinyModels.SourceDir, fileName);
        if (Environment.GetEnvironmentVariable("EDGEBUILD_UPDATE_BASELINES") == "1") File.WriteAllBytes(committed, built);

        Assert.Equal(built, File.ReadAllBytes(committed));
    }

    [Theory]
    [InlineData("tiny_affine.onnx")]
    [InlineData("mixed_types.onnx")]
    [InlineData("dynamic_batch.onnx")]
    public void Every_manifest_of_a_model_carries_its_sha256(string fileName)
    {
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(TinyModels.SourceDir, fileName)))).ToLowerInvariant();
        var manifests = Directory.GetFiles(Path.Combine(TinyModels.SourceDir, "..", "Manifests"), "*.edgemodel.json")
            .Select(File.ReadAllText)
            .Where(m => m.Contains($"\"modelFileName\": \"{fileName}\"", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(manifests);
        Assert.All(manifests, m => Assert.Equal(hash, Regex.Match(m, "\"sha256\": \"([0-9a-f]+)\"").Groups[1].Value));
    }
}
