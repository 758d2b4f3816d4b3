using System.Diagnostics;
using EdgeBuild.Tests.Conformance;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Onnx.Tests;

/// <summary>Acceptance 2: the backend suite through ModelFile, byte-identical, and run by ONNX Runtime from our saved files.</summary>
public sealed class ConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ModelFile_saves_every_backend_test_model_byte_identical()
    {
        var cases = BackendTestCase.Enumerate(TestAssets.OnnxTestData);
        Assert.True(cases.Count > 1000, $"expected the whole backend suite, found {cases.Count} cases");
        var differ = new List<string>();
        foreach (var c in cases)
        {
            var target = _temp.File("saved.onnx");
            ModelFile.Save(ModelFile.Load(c.ModelPath), target);
            if (!File.ReadAllBytes(target).AsSpan().SequenceEqual(File.ReadAllBytes(c.ModelPath))) differ.Add(c.Id);
        }

        output.WriteLine($"{cases.Count} models loaded and saved, {differ.Count} differ");
        Assert.Empty(differ);
    }

    [Fact]
    public void Models_saved_by_us_give_the_recorded_outputs_in_onnx_runtime()
    {
        var clock = Stopwatch.StartNew();
        var (report, results) = ConformanceSuite.Check(m => m, TestAssets.OnnxTestData, ConformanceExpectations.DefaultPath(TestAssets.RepoRoot));
        output.WriteLine(report.Summary);
        output.WriteLine($"ran in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var p in report.Problems) output.WriteLine(p);

        Assert.True(results.Count(r => r.Status == CaseStatus.Passed) > 800, "most of the suite must actually run");
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void A_transform_that_changes_semantics_is_reported_as_a_regression()
    {
        // The harness must be able to fail: turning Add into Sub has to show up as differing outputs.
        var (report, results) = ConformanceSuite.Check(
            model =>
            {
                foreach (var node in model.Graph.Node.Where(n => n.OpType == "Add")) node.OpType = "Sub";
                return model;
            },
            TestAssets.OnnxTestData, ConformanceExpectations.DefaultPath(TestAssets.RepoRoot), c => c.Id is "node/test_add" or "node/test_add_bcast" or "node/test_abs");

        Assert.Equal(3, results.Count);
        Assert.Equal(2, report.Problems.Count);
        Assert.All(report.Problems, p => Assert.Contains("output differs", p));
        Assert.Equal(CaseStatus.Passed, results.Single(r => r.Id == "node/test_abs").Status);
    }
}
