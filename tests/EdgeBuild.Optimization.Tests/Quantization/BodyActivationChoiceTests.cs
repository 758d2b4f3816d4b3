using System.Globalization;
using System.Text.RegularExpressions;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The calibrated build through <see cref="ModelOptimizer"/> (the path the CLI and the MSBuild task take) on models whose
/// computation sits inside an If branch: activations inside the body are quantized only where the build measured that
/// faster than the same body computed in float on int8 weights (a paired ratio, BodyActivationChoice), and the note
/// says which and by how much. A conv-heavy body (64 channels at 56×56) must come out quantized; a tiny one (8 channels
/// at 8×8, where Q/DQ costs more than the integer kernels save) must keep float activations on int8 weights.
/// </summary>
public sealed class BodyActivationChoiceTests(ITestOutputHelper output)
{
    /// <summary>
    /// x → If(mean(x) > -100: <paramref name="convs"/> × (3×3 Conv → Relu), then + x; else: x) → y. The weights live in
    /// the main graph and are read by the body across the scope boundary, as exporters write them. With
    /// <paramref name="outlierConv"/> (≥ 1), the Conv before it has a dead output channel 0 (bias −1000, zero after the
    /// Relu) and this Conv reads that channel with weights 100× the others: they add nothing to its output but set every
    /// per-channel int8 scale, which rounds the live weights to a few levels (about 8 dB at that Conv), a place only float
    /// weights fix.
    /// </summary>
    internal static ModelProto IfBodyModel(int channels, int size, int convs, int outlierConv = -1)
    {
        static ValueInfoProto Value(string name) => new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = DType.Float } } };
        var then = new GraphProto { Name = "then" };
        var builder = new ModelBuilder().Input("x", DType.Float, 1, channels, size, size);
        var current = "x";
        // He-like scale for uniform [-1, 1) weights: activations keep their size through the chain.
        var scale = (float)Math.Sqrt(6.0 / (channels * 9));
        for (var i = 0; i < convs; i++)
        {
            var weights = OrtRun.Random(channels * channels * 9, 10 + i).Select(v => v * scale).ToArray();
            if (i == outlierConv)
            {
                for (var o = 0; o < channels; o++) weights[(o * channels * 9) + 4] *= 100;
            }

            var bias = OrtRun.Random(channels, 50 + i).Select(v => v * 0.1f).ToArray();
            if (i + 1 == outlierConv) bias[0] = -1000;
            builder.Initializer($"w{i}", weights, channels, channels, 3, 3).Initializer($"b{i}", bias, channels);
            then.Node.Add(new NodeProto { Name = $"then_conv{i}", OpType = "Conv", Input = { current, $"w{i}", $"b{i}" }, Output = { $"c{i}" }, Attribute = { Attributes.Ints("pads", 1, 1, 1, 1) } });
            then.Node.Add(new NodeProto { Name = $"then_relu{i}", OpType = "Relu", Input = { $"c{i}" }, Output = { $"r{i}" } });
            current = $"r{i}";
        }

        then.Node.Add(new NodeProto { Name = "then_residual", OpType = "Add", Input = { current, "x" }, Output = { "then_out" } });
        then.Output.Add(Value("then_out"));
        var otherwise = new GraphProto
        {
            Name = "else",
            Node = { new NodeProto { Name = "else_id", OpType = "Identity", Input = { "x" }, Output = { "else_out" } } },
            Output = { Value("else_out") },
        };
        return builder
            .Initializer("threshold", [-100f])
            .Node("ReduceMean", ["x"], ["mean"], Attributes.Int("keepdims", 0))
            .Node("Greater", ["mean", "threshold"], ["cond"])
            .Node("If", ["cond"], ["y"], Attributes.Graph("then_branch", then), Attributes.Graph("else_branch", otherwise))
            .Output("y", DType.Float, 1, channels, size, size)
            .Build();
    }

    /// <summary>
    /// x → Loop(<paramref name="trips"/> times: s → <paramref name="convs"/> × (3×3 Conv → Relu), then + s) → y: the same
    /// body work once per iteration, weights read from the main graph.
    /// </summary>
    internal static ModelProto LoopBodyModel(int channels, int size, int convs, int trips)
    {
        static ValueInfoProto Value(string name, int type) => new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type } } };
        var body = new GraphProto
        {
            Name = "loop",
            Input = { ModelBuilder.CreateValueInfo("i", DType.Int64, []), ModelBuilder.CreateValueInfo("cond_in", DType.Bool, []), Value("s", DType.Float) },
            Node = { new NodeProto { Name = "loop_cond", OpType = "Identity", Input = { "cond_in" }, Output = { "cond_out" } } },
        };
        var builder = new ModelBuilder().Input("x", DType.Float, 1, channels, size, size);
        var current = "s";
        var scale = (float)Math.Sqrt(6.0 / (channels * 9));
        for (var i = 0; i < convs; i++)
        {
            builder.Initializer($"w{i}", OrtRun.Random(channels * channels * 9, 10 + i).Select(v => v * scale).ToArray(), channels, channels, 3, 3)
                .Initializer($"b{i}", OrtRun.Random(channels, 50 + i).Select(v => v * 0.1f).ToArray(), channels);
            body.Node.Add(new NodeProto { Name = $"loop_conv{i}", OpType = "Conv", Input = { current, $"w{i}", $"b{i}" }, Output = { $"c{i}" }, Attribute = { Attributes.Ints("pads", 1, 1, 1, 1) } });
            body.Node.Add(new NodeProto { Name = $"loop_relu{i}", OpType = "Relu", Input = { $"c{i}" }, Output = { $"r{i}" } });
            current = $"r{i}";
        }

        body.Node.Add(new NodeProto { Name = "loop_residual", OpType = "Add", Input = { current, "s" }, Output = { "s_next" } });
        body.Output.Add(Value("cond_out", DType.Bool));
        body.Output.Add(Value("s_next", DType.Float));
        var model = builder
            .Node("Loop", ["trips", "go", "x"], ["y"], Attributes.Graph("body", body))
            .Output("y", DType.Float, 1, channels, size, size)
            .Build();
        model.Graph.Initializer.Add(Tensors.FromInt64s("trips", [trips]));
        model.Graph.Initializer.Add(new TensorProto { Name = "go", DataType = DType.Bool, Int32Data = { 1 } });
        return model;
    }

    private (OptimizeResult Result, ModelProto Optimized, string Decision, double Ratio) Build(TempDir dir, ModelProto model, string what)
    {
        var shape = model.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();
        File.WriteAllBytes(dir.File("model.onnx"), model.ToByteArray());
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = dir.File("model.onnx"),
            OutputPath = dir.File("optimized.onnx"),
            TargetId = "x64-vnni",
            Precision = "int8",
            CalibrationData = Npy.RandomSamples(dir, "cal", 8, shape),
            ValidationData = Npy.RandomSamples(dir, "val", 4, shape, seed: 900),
        });

        var decision = result.Notes.Single(n => n.Contains("inside If/Loop/Scan bodies", StringComparison.Ordinal));
        // One ratio, or two when the first said faster (the choice's confirmation): the larger decides.
        var ratio = Regex.Match(decision, @"(\d+\.\d+(?:, \d+\.\d+)?)x the latency of float bodies").Groups[1].Value
            .Split(", ").Max(r => double.Parse(r, CultureInfo.InvariantCulture));
        output.WriteLine($"{what}: {started.Elapsed.TotalSeconds:F0} s, {result.SizeRatio:F3}x size, "
            + string.Join(", ", result.Accuracy.Select(a => $"{a.Name} {a.SqnrDb:F1} dB")) + $"; {decision}");
        var optimized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        var (exit, text) = OnnxChecker.Run([result.OutputPath]);
        Assert.True(exit == 0, text);
        // The budget (30 dB, the default) holds on the build's validation samples.
        foreach (var a in result.Accuracy) Assert.True(a.SqnrDb >= 30, $"{a.Name} at {a.SqnrDb:F1} dB");
        return (result, optimized, decision, ratio);
    }

    [Fact]
    public void A_conv_heavy_if_body_is_quantized_because_the_build_measured_it_faster()
    {
        using var dir = new TempDir();
        var (_, optimized, decision, ratio) = Build(dir, IfBodyModel(channels: 64, size: 56, convs: 4), "4 × Conv 64ch 56×56 in an If body");

        Assert.Matches(@"^\d+ activation\(s\) inside If/Loop/Scan bodies quantized: ", decision);
        Assert.True(ratio <= 0.97, decision);
        var then = GraphBodies.Of(optimized.Graph).Single(b => b.Name == "then");
        Assert.True(then.Node.Count(n => n.OpType == "QuantizeLinear") >= 4, "the body's Convs read quantized activations");
        Assert.Contains(then.Node, n => n.OpType == "DequantizeLinear");
        Assert.Equal(4, then.Initializer.Count(t => t.DataType == DType.Int8 && t.Dims.Count == 4));
    }

    [Fact]
    public void A_tiny_if_body_keeps_float_activations_on_int8_weights_because_quantized_it_was_not_faster()
    {
        using var dir = new TempDir();
        var (_, optimized, decision, ratio) = Build(dir, IfBodyModel(channels: 8, size: 8, convs: 2), "2 × Conv 8ch 8×8 in an If body");

        Assert.Matches(@"^\d+ activation\(s\) inside If/Loop/Scan bodies kept float \(int8 weights\): quantized they ran at \d+\.\d+(, \d+\.\d+)?x .*, not faster by 3 ?%", decision);
        Assert.True(ratio > 0.97, decision);
        var then = GraphBodies.Of(optimized.Graph).Single(b => b.Name == "then");
        Assert.DoesNotContain(then.Node, n => n.OpType == "QuantizeLinear");
        Assert.Equal(2, then.Initializer.Count(t => t.DataType == DType.Int8 && t.Dims.Count == 4));
    }

    [Fact]
    public void A_conv_heavy_loop_body_is_quantized_because_the_build_measured_it_faster()
    {
        using var dir = new TempDir();
        var (_, optimized, decision, ratio) = Build(dir, LoopBodyModel(channels: 64, size: 56, convs: 2, trips: 2), "2 × Conv 64ch 56×56 in a Loop body, 2 iterations");

        Assert.Matches(@"^\d+ activation\(s\) inside If/Loop/Scan bodies quantized: ", decision);
        Assert.True(ratio <= 0.97, decision);
        var loop = GraphBodies.Of(optimized.Graph).Single(b => b.Name == "loop");
        Assert.True(loop.Node.Count(n => n.OpType == "QuantizeLinear") >= 2, "the body's Convs read quantized activations");
        Assert.Equal(2, loop.Initializer.Count(t => t.DataType == DType.Int8 && t.Dims.Count == 4));
    }
}
