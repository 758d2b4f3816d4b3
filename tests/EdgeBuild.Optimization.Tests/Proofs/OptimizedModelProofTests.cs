using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>
/// Acceptance 3 and 4: every optimized model (real detector and classifier, synthetic models; precision none and
/// int8) loads in ONNX Runtime with its default graph optimizations and passes onnx.checker with full_check; the
/// same inputs give the same bytes; the sources are never modified.
/// </summary>
public sealed class OptimizedModelProofTests(OptimizedOutputs outputs, ITestOutputHelper output) : IClassFixture<OptimizedOutputs>
{
    [Fact]
    public void Every_optimized_model_loads_in_onnx_runtime_and_passes_onnx_checker_full_check()
    {
        var paths = outputs.Results.Values.Select(r => r.OutputPath).ToList();
        Assert.Equal(8, paths.Count);
        foreach (var path in paths)
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            using var session = new InferenceSession(path, options);
            Assert.NotEmpty(session.OutputMetadata);
        }

        var (exitCode, text) = OnnxChecker.Run(paths);
        output.WriteLine(text);
        Assert.Equal(paths.Count, OnnxChecker.Passed(text));
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void Int8_outputs_are_really_quantized()
    {
        // Guards the checker test: it must see QDQ models with int8 weights, not float copies.
        foreach (var (name, result) in outputs.Results.Where(r => r.Key.EndsWith("-int8", StringComparison.Ordinal)))
        {
            var model = ModelFile.Load(result.OutputPath);
            Assert.True(result.QuantizedNodes > 0, $"{name}: nothing quantized");
            Assert.Contains(model.Graph.Node, n => n.OpType == "QuantizeLinear");
            Assert.Contains(model.Graph.Initializer, t => t.DataType == DType.Int8 && t.Dims.Count >= 2);
            foreach (var a in result.Accuracy) output.WriteLine($"{name} {a.Name}: SQNR {a.SqnrDb:F1} dB, size {result.SizeRatio:F2}x");
        }

        // The synthetic models (MatMul, Gemm, Conv chains) are checked numerically against the float model through ORT.
        Assert.All(outputs.Results.Where(r => r.Key is "convnet-int8" or "matmulnet-int8").SelectMany(r => r.Value.Accuracy),
            a => Assert.True(a.SqnrDb >= 25, $"{a.Name}: SQNR {a.SqnrDb:F1} dB"));
    }

    [Fact]
    public void The_same_inputs_give_byte_identical_outputs_and_sources_are_never_modified()
    {
        foreach (var request in outputs.Requests("second"))
        {
            var name = Path.GetFileNameWithoutExtension(request.OutputPath);
            var again = ModelOptimizer.Optimize(request);
            var first = outputs.Results[name];
            Assert.Equal(first.Sha256, again.Sha256);
            Assert.Equal(File.ReadAllBytes(first.OutputPath), File.ReadAllBytes(again.OutputPath));
        }

        foreach (var source in outputs.Sources())
            Assert.Equal(outputs.SourceHashes[source], OptimizedOutputs.Hash(source));
    }
}
