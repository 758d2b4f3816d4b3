using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The accuracy fallback ranks places inside If/Loop/Scan bodies with the main graph's: body values are routed out for the
/// damage measurement, and the fix names body nodes. Before, it ranked main-graph nodes only (and its probe session threw
/// on an empty list when every quantized place sat inside bodies), so such bodies were left untouched, weights and all.
/// </summary>
public sealed class BodyFallbackTests(ITestOutputHelper output)
{
    private const int C = 16;
    private const int Size = 16;

    [Fact]
    public void Damage_ranking_measures_places_inside_an_if_body_and_puts_the_outlier_conv_first()
    {
        using var dir = new TempDir();
        var model = BodyActivationChoiceTests.IfBodyModel(C, Size, convs: 3, outlierConv: 1);
        var calibration = SampleSource.Open(Npy.RandomSamples(dir, "cal", 4, [1, C, Size, Size]), SampleSource.InputsOf(model), null);
        var validation = SampleSource.Open(Npy.RandomSamples(dir, "val", 2, [1, C, Size, Size], seed: 900), SampleSource.InputsOf(model), null);
        var quantized = model.Clone();
        QdqQuantizer.Quantize(quantized, calibration, new QuantizationOptions());

        var ranking = AccuracyFallback.RankByDamage(model, quantized, validation, out var unmeasured);
        output.WriteLine(string.Join("\n", ranking.Select(r => $"{r.Label} ({r.Kind}{(r.InBody ? ", body" : "")}) {r.DropDb:F1} dB")));

        Assert.Equal(0, unmeasured);
        foreach (var conv in new[] { "then_conv0", "then_conv1", "then_conv2" }) Assert.True(Assert.Single(ranking, r => r.Label == conv).InBody);
        // Every Q/DQ pair sits in the body (x's too: the body's Conv reads it) and its rounding noise is measured: -200 is
        // what an unmeasured probe gives ("no noise added"). A Conv can get it measured (conv0's output power is its dead
        // channel's −1000, so its SQNR beats its input's), so the pairs are the check.
        var pairs = ranking.Where(r => r.Kind == "activation").ToList();
        Assert.Equal(["r0", "r1", "r2", "x"], pairs.Select(p => p.Label).Order(StringComparer.Ordinal));
        Assert.All(pairs, p => Assert.True(p.InBody && p.DropDb > -100, $"{p.Label}: {p.DropDb:F1} dB"));
        Assert.Equal("then_conv1", ranking[0].Label);
    }

    [Fact]
    public void Nothing_quantized_ranks_nothing_without_opening_a_session()
    {
        using var dir = new TempDir();
        var model = BodyActivationChoiceTests.IfBodyModel(4, 4, convs: 1);
        var validation = SampleSource.Open(Npy.RandomSamples(dir, "val", 1, [1, 4, 4, 4]), SampleSource.InputsOf(model), null);

        var ranking = AccuracyFallback.RankByDamage(model, model.Clone(), validation, out var unmeasured);

        Assert.Empty(ranking);
        Assert.Equal(0, unmeasured);
    }

    /// <summary>
    /// Quantized bodies miss 30 dB and so do float activations on int8 weights (the outlier Conv's weights): the build keeps
    /// the bodies float on int8 weights and the fallback keeps the one body Conv float that the budget needs, the other
    /// two int8. Before, the bodies were left as they were (every weight float).
    /// </summary>
    [Fact]
    public void The_fallback_keeps_only_the_damaging_body_conv_float_and_the_budget_holds()
    {
        using var dir = new TempDir();
        var model = BodyActivationChoiceTests.IfBodyModel(C, Size, convs: 3, outlierConv: 1);
        File.WriteAllBytes(dir.File("model.onnx"), model.ToByteArray());
        var result = ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = dir.File("model.onnx"),
            OutputPath = dir.File("optimized.onnx"),
            TargetId = "x64-vnni",
            Precision = "int8",
            CalibrationData = Npy.RandomSamples(dir, "cal", 8, [1, C, Size, Size]),
            ValidationData = Npy.RandomSamples(dir, "val", 4, [1, C, Size, Size], seed: 900),
        });
        foreach (var note in result.Notes) output.WriteLine(note);

        Assert.Contains(result.Notes, n => n.Contains("inside If/Loop/Scan bodies kept float (int8 weights): quantized they miss", StringComparison.Ordinal)
            && n.Contains("the accuracy fallback ranks the bodies' weights", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.StartsWith("largest quantization noise", StringComparison.Ordinal) && n.Contains("then_conv1 (Conv, in a body)", StringComparison.Ordinal));
        var kept = Assert.Single(result.Notes, n => n.StartsWith("accuracy fallback, float: ", StringComparison.Ordinal));
        Assert.StartsWith("accuracy fallback, float: then_conv1;", kept);
        foreach (var a in result.Accuracy) Assert.True(a.SqnrDb >= 30, $"{a.Name} at {a.SqnrDb:F1} dB");

        var then = GraphBodies.Of(ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath)).Graph).Single(b => b.Name == "then");
        Assert.Equal(2, then.Initializer.Count(t => t.DataType == DType.Int8 && t.Dims.Count == 4));
        var (exit, text) = OnnxChecker.Run([result.OutputPath]);
        Assert.True(exit == 0, text);
    }
}
