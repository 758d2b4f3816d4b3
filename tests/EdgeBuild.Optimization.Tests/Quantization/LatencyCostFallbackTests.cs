using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The accuracy fallback with a latency cost (issue 16 item 2): ranking float places by damage per MAC keeps more
/// convolutions integer than ranking by damage alone, at the same budget, on the real PP-OCRv4 detector with the pinned
/// image split; and the profiler that prices it does not make the chosen set, or the bytes, depend on the run.
/// </summary>
public class LatencyCostFallbackTests
{
    private const string Budget = "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%";

    private static OptimizeResult Quantize(TempDir dir, bool latencyCost, string name) => ModelOptimizer.Optimize(new OptimizeRequest
    {
        ModelPath = TestAssets.Detector,
        OutputPath = dir.File($"det-{name}.onnx"),
        TargetId = "rpi5",
        Precision = "int8",
        CalibrationData = dir.File("det-cal"),
        ValidationData = dir.File("det-val"),
        Preprocess = RealModelInt8Tests.DetectorPreprocess,
        Accuracy = Budget,
        FallbackLatencyCost = latencyCost,
    });

    /// <summary>Convs ORT runs as integer kernels: the data input comes through an activation DequantizeLinear.</summary>
    private static int IntegerConvs(string path)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var activationDq = model.Graph.Node.Where(n => n.OpType == "DequantizeLinear" && !initializers.Contains(n.Input[0])).SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        return model.Graph.Node.Count(n => n.OpType == "Conv" && activationDq.Contains(n.Input[0]));
    }

    [Fact]
    public void Ranking_by_damage_per_MAC_keeps_more_convs_integer_at_the_same_budget_and_the_same_bytes_twice()
    {
        using var dir = new TempDir();
        RealModelInt8Tests.MaterializeSplit(dir);

        var damageOnly = Quantize(dir, latencyCost: false, "damage");
        var latency = Quantize(dir, latencyCost: true, "latency");
        var again = Quantize(dir, latencyCost: true, "again");

        foreach (var result in new[] { damageOnly, latency })
        {
            var metric = Assert.Single(Assert.Single(result.Accuracy).Metrics);
            Assert.True(metric.Holds, $"agreement {metric.Measured}");
            Assert.True(result.SizeRatio <= 0.28, $"size ratio {result.SizeRatio:F3}");
        }

        var (withCost, without) = (IntegerConvs(latency.OutputPath), IntegerConvs(damageOnly.OutputPath));
        Assert.True(withCost > without, $"integer convs with the latency cost {withCost}, by damage alone {without}");
        Assert.Contains(latency.Notes, n => n.StartsWith("latency cost: ", StringComparison.Ordinal) && n.Contains("ranking by damage per MAC kept float", StringComparison.Ordinal));
        Assert.Contains(latency.Notes, n => n.StartsWith("latency trade: ", StringComparison.Ordinal));

        // The profile's times vary from run to run; the ranking uses MACs only, so the set and the bytes do not.
        Assert.Equal(latency.Sha256, again.Sha256);
    }
}
