using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeBuild.Onnx.Tests;

/// <summary>
/// The schema check: the generated classes must re-serialize every backend-test model byte for byte.
/// A wrong field number, a missing packed flag or proto3-style presence shows up here first.
/// </summary>
public sealed class SchemaRoundTripTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_backend_test_model_reserializes_byte_identical()
    {
        var models = BackendModels().ToList();
        Assert.True(models.Count > 1000, $"expected the whole backend suite, found {models.Count} models");

        var mismatches = new List<string>();
        foreach (var path in models)
        {
            var original = File.ReadAllBytes(path);
            var model = ModelProto.Parser.ParseFrom(original);
            if (!model.ToByteArray().AsSpan().SequenceEqual(original)) mismatches.Add(path);
        }

        output.WriteLine($"{models.Count} models parsed, {mismatches.Count} differ after re-serialization");
        Assert.True(mismatches.Count == 0, "re-serialization differs for:\n" + string.Join("\n", mismatches.Take(20)));
    }

    internal static IEnumerable<string> BackendModels() =>
        new[] { "node", "simple", "pytorch-converted", "pytorch-operator" }
            .SelectMany(suite => Directory.EnumerateDirectories(Path.Combine(TestAssets.OnnxTestData, suite)))
            .Select(dir => Path.Combine(dir, "model.onnx"))
            .Where(File.Exists)
            .OrderBy(p => p, StringComparer.Ordinal);
}
