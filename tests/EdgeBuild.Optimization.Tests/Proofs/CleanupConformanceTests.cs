using System.Diagnostics;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Tests.Conformance;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>
/// Acceptance 7: every backend-test model ONNX Runtime can run gives the recorded outputs after the cleanup
/// pipeline, the graph rewrite `optimize --precision none` applies (ModelOptimizer runs exactly CleanupPipeline.Run
/// on the loaded model). Cases ORT cannot run at all are the committed expectations shared with the I/O tests.
/// </summary>
public sealed class CleanupConformanceTests(ITestOutputHelper output)
{
    /// <summary>The precision-none rewrite; a pass that throws is a bug too, so the exception is not caught.</summary>
    internal static ModelProto Cleanup(ModelProto model)
    {
        CleanupPipeline.Run(new OnnxGraph(model.Graph), new PassContext(model));
        return model;
    }

    private readonly Dictionary<string, int> _rewrites = new(StringComparer.Ordinal);
    private int _changedModels;

    /// <summary>Like <see cref="Cleanup"/>, counting what the passes did (so the test shows the suite exercises them).</summary>
    private ModelProto CleanupCounting(ModelProto model)
    {
        var counts = CleanupPipeline.Run(new OnnxGraph(model.Graph), new PassContext(model));
        lock (_rewrites)
        {
            if (counts.Values.Any(n => n > 0)) _changedModels++;
            foreach (var (pass, n) in counts) _rewrites[pass] = _rewrites.GetValueOrDefault(pass) + n;
        }

        return model;
    }

    [Fact]
    public void Cleanup_pipeline_keeps_the_recorded_outputs_of_the_backend_suite()
    {
        var clock = Stopwatch.StartNew();
        var (report, results) = ConformanceSuite.Check(CleanupCounting, TestAssets.OnnxTestData, ConformanceExpectations.DefaultPath(TestAssets.RepoRoot));
        output.WriteLine(report.Summary);
        output.WriteLine($"ran in {clock.Elapsed.TotalSeconds:F1} s; the passes rewrote {_changedModels} models: "
            + string.Join(", ", _rewrites.Select(r => $"{r.Key} {r.Value}")));
        foreach (var p in report.Problems) output.WriteLine(p);

        Assert.True(results.Count > 1000, $"expected the whole backend suite, found {results.Count} cases");
        Assert.True(results.Count(r => r.Status == CaseStatus.Passed) > 800, "most of the suite must actually run");
        Assert.True(_changedModels > 50, $"the passes changed only {_changedModels} models: the suite would not exercise them");
        Assert.Empty(report.Problems);
    }
}
