using System.Diagnostics;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Conformance;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>
/// Acceptance 7: every backend-test model ONNX Runtime can run gives the recorded outputs after
/// `optimize --precision none` (ModelOptimizer.Optimize itself, file in, file out). Cases ORT cannot run at all are the
/// committed expectations shared with the I/O tests.
/// </summary>
public sealed class CleanupConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgebuild-conformance-opt-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    private readonly Dictionary<string, int> _rewrites = new(StringComparer.Ordinal);
    private int _changedModels;
    private int _refused;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>
    /// Optimizes at precision none. A source `optimize` refuses with EDGE0101 (ORT cannot load it) goes on unchanged, so
    /// the harness reports ORT's verdict on it; any other exception is a bug and fails the test.
    /// </summary>
    private ModelProto OptimizeNone(ModelProto model)
    {
        var name = Guid.NewGuid().ToString("N");
        var source = Path.Combine(_work, name + ".onnx");
        var target = Path.Combine(_work, name + "-none.onnx");
        try
        {
            ModelFile.Save(model, source);
            OptimizeResult result;
            try
            {
                result = ModelOptimizer.Optimize(new OptimizeRequest { ModelPath = source, OutputPath = target, TargetId = "rpi5", Precision = "none" });
            }
            catch (OptimizationInputException e) when (e.Code == "EDGE0101")
            {
                Interlocked.Increment(ref _refused);
                return model;
            }

            lock (_rewrites)
            {
                if (result.PassRewrites.Values.Any(n => n > 0)) _changedModels++;
                foreach (var (pass, n) in result.PassRewrites) _rewrites[pass] = _rewrites.GetValueOrDefault(pass) + n;
            }

            return ModelFile.Load(target);
        }
        finally
        {
            File.Delete(source);
            File.Delete(target);
        }
    }

    [Fact]
    public void Optimize_at_precision_none_keeps_the_recorded_outputs_of_the_backend_suite()
    {
        var clock = Stopwatch.StartNew();
        var (report, results) = ConformanceSuite.Check(OptimizeNone, TestAssets.OnnxTestData, ConformanceExpectations.DefaultPath(TestAssets.RepoRoot));
        output.WriteLine(report.Summary);
        output.WriteLine($"ran in {clock.Elapsed.TotalSeconds:F1} s; optimize refused {_refused} sources ORT cannot load; the passes rewrote {_changedModels} models: "
            + string.Join(", ", _rewrites.Select(r => $"{r.Key} {r.Value}")));
        foreach (var p in report.Problems) output.WriteLine(p);

        Assert.True(results.Count > 1000, $"expected the whole backend suite, found {results.Count} cases");
        Assert.True(results.Count(r => r.Status == CaseStatus.Passed) > 800, "most of the suite must actually run");
        Assert.True(_changedModels > 50, $"the passes changed only {_changedModels} models: the suite would not exercise them");
        Assert.Empty(report.Problems);
    }
}
