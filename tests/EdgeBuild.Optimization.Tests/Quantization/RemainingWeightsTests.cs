using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The static build's Q/DQ has no integer kernel for an LSTM, so its weights used to stay float32 whatever the
/// calibration data; compress-remaining-weights stores them as the data-free default does, checked against the budget.
/// </summary>
public class RemainingWeightsTests
{
    private const int Hidden = 32, InputWidth = 24, Steps = 5;
    private static readonly long[] InputShape = [Steps, 1, InputWidth];

    /// <summary>x → LSTM(W, R) → y. With <paramref name="outlier"/>, every gate row of W reads input 0 with a weight of 100.</summary>
    private static ModelProto Lstm(bool outlier) => new ModelBuilder()
        .Input("x", DType.Float, Steps, 1, InputWidth)
        .Initializer("W", OrtRun.Random(4 * Hidden * InputWidth, 11).Select((v, i) => outlier && i % InputWidth == 0 ? 100f : v * 0.3f).ToArray(), 1, 4 * Hidden, InputWidth)
        .Initializer("R", OrtRun.Random(4 * Hidden * Hidden, 12).Select(v => v * 0.3f).ToArray(), 1, 4 * Hidden, Hidden)
        .Node("LSTM", ["x", "W", "R"], ["y"], "lstm", "", Attributes.Int("hidden_size", Hidden))
        .Output("y", DType.Float, Steps, 1, 1, Hidden)
        .Build();

    /// <summary>Uniform samples whose input 0 is a thousandth of the rest (so an outlier weight reading it carries little signal).</summary>
    private static string Samples(TempDir dir, string folder, int count, int seed)
    {
        var path = Directory.CreateDirectory(dir.File(folder)).FullName;
        for (var s = 0; s < count; s++)
            Npy.Write(Path.Combine(path, $"s{s}.npy"), OrtRun.Random(Steps * InputWidth, seed + s).Select((v, i) => i % InputWidth == 0 ? v * 0.001f : v).ToArray(), InputShape);
        return path;
    }

    private static (OptimizeResult Result, ModelProto Model) Optimize(TempDir dir, ModelProto model, params string[] excludeNodes)
    {
        File.WriteAllBytes(dir.File("m.onnx"), model.ToByteArray());
        var result = ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = dir.File("m.onnx"),
            OutputPath = dir.File("out.onnx"),
            TargetId = "rpi5",
            Precision = "int8",
            CalibrationData = Samples(dir, "cal", 6, 100),
            ValidationData = Samples(dir, "val", 4, 900),
            MinSqnrDb = 30,
            ExcludeNodes = excludeNodes,
        });
        return (result, ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath)));
    }

    /// <summary>The stored type of what the LSTM reads as <paramref name="weight"/>: the initializer itself, or the integer tensor behind its Cast→Mul.</summary>
    private static int StoredType(ModelProto model, string weight)
    {
        var g = new OnnxGraph(model.Graph);
        var read = g.Nodes.Single(n => n.OpType == "LSTM").Input[weight == "W" ? 1 : 2];
        if (g.Initializer(read) is { } stored) return stored.DataType;
        var mul = g.Producer(read)!;
        Assert.Equal("Mul", mul.OpType);
        return g.Initializer(g.Producer(mul.Input[0])!.Input[0])!.DataType;
    }

    [Fact]
    public void Lstm_weights_of_a_calibrated_build_are_int8_computed_in_float_within_the_budget()
    {
        using var dir = new TempDir();

        var (result, model) = Optimize(dir, Lstm(outlier: false));

        Assert.Contains(PlanStepIds.CompressRemainingWeights, result.ExecutedSteps);
        Assert.Equal(DType.Int8, StoredType(model, "W"));
        Assert.Equal(DType.Int8, StoredType(model, "R"));
        Assert.True(result.Accuracy.Single().SqnrDb >= 30, $"SQNR {result.Accuracy.Single().SqnrDb:F1} dB");
        Assert.True(result.SizeRatio < 0.35, $"size ratio {result.SizeRatio:F3}");
        Assert.Contains(result.Notes, n => n.StartsWith("2 weight tensor(s) no integer kernel reads stored int8", StringComparison.Ordinal));
    }

    [Fact]
    public void Where_int8_misses_the_budget_the_weights_are_int16()
    {
        // Per gate row the 100 sets int8's step to 0.8, which rounds every other weight (±0.3) to 0; int16's step is 0.003.
        using var dir = new TempDir();

        var (result, model) = Optimize(dir, Lstm(outlier: true));

        Assert.Equal(DType.Int16, StoredType(model, "W"));
        Assert.Equal(DType.Int16, StoredType(model, "R"));
        Assert.True(result.Accuracy.Single().SqnrDb >= 30, $"SQNR {result.Accuracy.Single().SqnrDb:F1} dB");
        Assert.Contains(result.Notes, n => n.Contains("stored int16", StringComparison.Ordinal) && n.Contains("(int8 missed: y:", StringComparison.Ordinal));
    }

    [Fact]
    public void Nodes_kept_in_float_as_asked_keep_float32_weights()
    {
        using var dir = new TempDir();

        var (result, model) = Optimize(dir, Lstm(outlier: false), "lstm");

        Assert.Equal(DType.Float, StoredType(model, "W"));
        Assert.Equal(DType.Float, StoredType(model, "R"));
        Assert.DoesNotContain(result.Notes, n => n.Contains("no integer kernel reads", StringComparison.Ordinal));
    }
}
