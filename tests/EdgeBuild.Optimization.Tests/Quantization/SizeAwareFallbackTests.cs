using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Verification;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The accuracy fallback spends size last: activations go back to float on int8 weights first (no bytes), and
/// weights go back to 16 bits (float32 when even that misses) only when that is not enough, the most damaging per byte first.
/// </summary>
public class SizeAwareFallbackTests
{
    private static readonly long[] InputShape = [1, 3, 8, 8];

    /// <summary>Uniform [-1, 1) samples with each input channel multiplied by its factor.</summary>
    private static string Samples(TempDir dir, string folder, int count, int seed, float[] channelScale)
    {
        var path = Directory.CreateDirectory(dir.File(folder)).FullName;
        for (var s = 0; s < count; s++)
        {
            var data = OrtRun.Random(3 * 64, seed + s);
            for (var i = 0; i < data.Length; i++) data[i] *= channelScale[i / 64];
            Npy.Write(Path.Combine(path, $"sample_{s:D3}.npy"), data, InputShape);
        }

        return path;
    }

    /// <summary>x → first Conv → Relu → Conv 3×3 → Relu → Conv 1×1 (writes the output, stays float).</summary>
    private static ModelProto Chain(float[] firstWeights, long[] firstDims) => new ModelBuilder()
        .Input("x", DType.Float, 1, 3, 8, 8)
        .Initializer("w1", firstWeights, firstDims)
        .Node("Conv", ["x", "w1"], ["c1"], "first", "", Attributes.Ints("pads", Pads(firstDims)))
        .Node("Relu", ["c1"], ["r1"])
        .Initializer("w2", OrtRun.Random(32 * (int)firstDims[0] * 9, 7), 32, firstDims[0], 3, 3)
        .Node("Conv", ["r1", "w2"], ["c2"], "big", "", Attributes.Ints("pads", 1, 1, 1, 1))
        .Node("Relu", ["c2"], ["r2"])
        .Initializer("w3", OrtRun.Random(2 * 32, 8), 2, 32, 1, 1)
        .Node("Conv", ["r2", "w3"], ["y"])
        .Output("y", DType.Float, 1, 2, 8, 8)
        .Build();

    private static long[] Pads(long[] dims) => dims[2] == 3 ? [1, 1, 1, 1] : [0, 0, 0, 0];

    private static OptimizeResult Optimize(TempDir dir, ModelProto model, float[] channelScale, double minSqnr)
    {
        File.WriteAllBytes(dir.File("m.onnx"), model.ToByteArray());
        return ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = dir.File("m.onnx"),
            OutputPath = dir.File("out.onnx"),
            TargetId = "rpi5",
            Precision = "int8",
            CalibrationData = Samples(dir, "cal", 8, 100, channelScale),
            ValidationData = Samples(dir, "val", 4, 900, channelScale),
            MinSqnrDb = minSqnr,
        });
    }

    private static int WeightType(ModelProto model, params long[] dims) =>
        model.Graph.Initializer.Single(t => t.Dims.SequenceEqual(dims) && t.DataType is DType.Float or DType.Int8).DataType;

    [Fact]
    public void Float_activation_nodes_keep_int8_weights_and_compute_in_float_what_the_dequantized_weights_give()
    {
        var model = Chain(OrtRun.Random(8 * 3 * 9, 1), [8, 3, 3, 3]);
        using var dir = new TempDir();
        var calibration = SampleSource.Open(Samples(dir, "cal", 4, 100, [1, 1, 1]), SampleSource.InputsOf(model), null);
        var quantized = model.Clone();

        // Only the Convs, so no Relu output pair adds rounding of its own.
        var options = new QuantizationOptions { FloatActivationNodes = new HashSet<string> { "first", "big" }, IncludeOpTypes = new HashSet<string> { "Conv" } };
        QdqQuantizer.Quantize(quantized, calibration, options);

        var g = new OnnxGraph(quantized.Graph);
        Assert.DoesNotContain(g.Nodes, n => n.OpType == "QuantizeLinear");
        foreach (var (name, dims) in new[] { ("first", new long[] { 8, 3, 3, 3 }), ("big", [32, 8, 3, 3]) })
        {
            var weightDq = g.Producer(g.Nodes.Single(n => n.Name == name).Input[1])!;
            Assert.Equal("DequantizeLinear", weightDq.OpType);
            Assert.Equal(DType.Int8, g.Initializer(weightDq.Input[0])!.DataType);
            Assert.Equal(dims, g.Initializer(weightDq.Input[0])!.Dims);
        }

        // Numerically: the float model with each weight replaced by its dequantized int8 value, through ORT.
        var expected = model.Clone();
        foreach (var (weight, name) in new[] { ("w1", "first"), ("w2", "big") })
        {
            var dq = g.Producer(g.Nodes.Single(n => n.Name == name).Input[1])!;
            var q = Tensors.ToArray<sbyte>(g.Initializer(dq.Input[0])!);
            var scales = Tensors.ToFloatArray(g.Initializer(dq.Input[1])!);
            var perChannel = q.Length / scales.Length;
            var values = q.Select((v, i) => v * scales[i / perChannel]).ToArray();
            var init = expected.Graph.Initializer.Single(t => t.Name == weight);
            expected.Graph.Initializer.Remove(init);
            expected.Graph.Initializer.Add(Tensors.FromFloats(weight, values, init.Dims.ToArray()));
            Assert.NotEqual(Tensors.ToFloatArray(init), values); // the weights really carry int8 rounding
        }

        var x = OrtRun.Random(3 * 64, 55);
        OrtRun.AssertClose(OrtRun.Run(expected, ("x", x, InputShape))["y"], OrtRun.Run(quantized, ("x", x, InputShape))["y"], 1e-5f);
    }

    [Fact]
    public void Activation_noise_is_removed_first_and_costs_no_weight_bytes()
    {
        // Input channel 0 spans ±100, channels 1–2 only ±0.01, and the first Conv amplifies those by 1000: a
        // per-tensor int8 input rounds them away (about 0 dB), while per-channel int8 weights lose only channel 0's
        // tiny weights (about 40 dB).
        var w1 = OrtRun.Random(8 * 3, 1).Select((v, i) => i % 3 == 0 ? v * 0.001f : v * 1000f).ToArray();
        using var dir = new TempDir();

        var result = Optimize(dir, Chain(w1, [8, 3, 1, 1]), [100f, 0.01f, 0.01f], minSqnr: 30);

        Assert.True(result.Accuracy.Single().SqnrDb >= 30, $"SQNR {result.Accuracy.Single().SqnrDb:F1} dB");
        var output = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        Assert.Equal(DType.Int8, WeightType(output, 8, 3, 1, 1));
        Assert.Equal(DType.Int8, WeightType(output, 32, 8, 3, 3));
        var g = new OnnxGraph(output.Graph);
        Assert.DoesNotContain(g.Consumers("x"), n => n.OpType == "QuantizeLinear");
        Assert.Contains(result.Notes, n => n.StartsWith("accuracy fallback kept 0 node(s) in float and 1 node(s) with float activations", StringComparison.Ordinal));
    }

    [Fact]
    public void Weights_go_back_to_float_only_where_activations_in_float_are_not_enough_most_damage_per_byte_first()
    {
        // The first Conv's weights have one 100 among values of ±1 per output channel: int8 per channel rounds the
        // rest with a step of 0.8 (about 8 dB, whatever the activations). Input channel 0 is near zero, so that
        // weight carries little signal. The big Conv (10× the bytes) quantizes well.
        var w1 = OrtRun.Random(4 * 27, 1).Select((v, i) => i % 27 == 4 ? 100f : v).ToArray();
        using var dir = new TempDir();

        var result = Optimize(dir, Chain(w1, [4, 3, 3, 3]), [0.001f, 1f, 1f], minSqnr: 25);

        Assert.True(result.Accuracy.Single().SqnrDb >= 25, $"SQNR {result.Accuracy.Single().SqnrDb:F1} dB");
        var output = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        Assert.Equal(DType.Float, WeightType(output, 4, 3, 3, 3));
        Assert.Equal(DType.Int8, WeightType(output, 32, 4, 3, 3));
        Assert.Contains(result.Notes, n => n.StartsWith("accuracy fallback kept 1 node(s) in float", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.StartsWith("accuracy fallback, float: first;", StringComparison.Ordinal));
    }
    /// <summary>The first Conv's weights the fallback keeps out of int8, as the model writes them: Mul(Cast(int16), scale), or float32.</summary>
    private static int FirstWeightType(ModelProto model)
    {
        var g = new OnnxGraph(model.Graph);
        var weight = g.Nodes.Single(n => n.Name == "first").Input[1];
        if (g.Initializer(weight) is { } stored) return stored.DataType;
        var mul = g.Producer(weight)!;
        Assert.Equal("Mul", mul.OpType);
        var cast = g.Producer(mul.Input[0])!;
        Assert.Equal("Cast", cast.OpType);
        return g.Initializer(cast.Input[0])!.DataType;
    }

    /// <summary>32 filters, each with one 100 among values of ±1: per-channel int8 rounds the rest with a step of 0.8.</summary>
    private static float[] OutlierFilters() => OrtRun.Random(32 * 27, 1).Select((v, i) => i % 27 == 4 ? 100f : v).ToArray();

    [Fact]
    public void Weights_the_fallback_keeps_out_of_int8_are_int16_computed_in_float_half_the_bytes_of_float32()
    {
        using var dir = new TempDir();

        var result = Optimize(dir, Chain(OutlierFilters(), [32, 3, 3, 3]), [0.001f, 1f, 1f], minSqnr: 25);

        Assert.True(result.Accuracy.Single().SqnrDb >= 25, $"SQNR {result.Accuracy.Single().SqnrDb:F1} dB");
        var output = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        Assert.Equal(DType.Int16, FirstWeightType(output));
        Assert.Contains(result.Notes, n => n.StartsWith("accuracy fallback kept 1 node(s) in float (their weights of 512+ values at 16 bits", StringComparison.Ordinal));
    }

    [Fact]
    public void Float32_weights_settle_a_budget_that_int16_weights_miss()
    {
        // int16 rounds the ±1 values of an outlier filter with a step of 0.003: about 55 dB, under a 70 dB budget.
        using var dir = new TempDir();

        var result = Optimize(dir, Chain(OutlierFilters(), [32, 3, 3, 3]), [0.001f, 1f, 1f], minSqnr: 70);

        Assert.True(result.Accuracy.Single().SqnrDb >= 70, $"SQNR {result.Accuracy.Single().SqnrDb:F1} dB");
        var output = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        Assert.Equal(DType.Float, FirstWeightType(output));
        Assert.Contains(result.Notes, n => n.StartsWith("every ranked weight in int16 missed the budget", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("node(s) in float (their weights float32)", StringComparison.Ordinal));
    }

    [Fact]
    public void Bias_correction_removes_the_mean_shift_of_rounded_weights()
    {
        // Inputs around 6 ± 1: the rounding error of each weight row times the input mean shifts every output
        // channel by a constant that dwarfs the rest of the weight noise; folding it into the bias removes it.
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 16, 4, 4)
            .Initializer("w", OrtRun.Random(8 * 16, 3), 8, 16, 1, 1)
            .Initializer("b", OrtRun.Random(8, 4).Select(v => v + 30f).ToArray(), 8)
            .Node("Conv", ["x", "w", "b"], ["c"], "conv")
            .Node("Relu", ["c"], ["y"])
            .Output("y", DType.Float, 1, 8, 4, 4)
            .Build();
        using var dir = new TempDir();
        string Folder(string name, int seed)
        {
            var path = Directory.CreateDirectory(dir.File(name)).FullName;
            for (var s = 0; s < 6; s++) Npy.Write(Path.Combine(path, $"s{s}.npy"), OrtRun.Random(256, seed + s).Select(v => v + 6f).ToArray(), 1, 16, 4, 4);
            return path;
        }

        var calibration = SampleSource.Open(Folder("cal", 10), SampleSource.InputsOf(model), null);
        var validation = SampleSource.Open(Folder("val", 70), SampleSource.InputsOf(model), null);
        double Sqnr(bool correct)
        {
            var q = model.Clone();
            QdqQuantizer.Quantize(q, calibration, new QuantizationOptions { CorrectWeightBias = correct, FloatActivationNodes = new HashSet<string> { "conv" }, IncludeOpTypes = new HashSet<string> { "Conv" } });
            return ModelVerifier.Compare(model.ToByteArray(), q.ToByteArray(), validation).Single().SqnrDb;
        }

        var (plain, corrected) = (Sqnr(false), Sqnr(true));

        Assert.True(corrected > plain + 10, $"SQNR {plain:F1} dB without correction, {corrected:F1} dB with");
    }
    [Fact]
    public void Weights_read_only_by_float_ops_become_cast_and_mul_which_ort_folds_while_fused_convs_keep_their_dequantize()
    {
        var model = Chain(OrtRun.Random(8 * 3 * 9, 1), [8, 3, 3, 3]);
        using var dir = new TempDir();
        var calibration = SampleSource.Open(Samples(dir, "cal", 4, 100, [1, 1, 1]), SampleSource.InputsOf(model), null);
        var quantized = model.Clone();
        QdqQuantizer.Quantize(quantized, calibration, new QuantizationOptions { FloatActivationNodes = new HashSet<string> { "first" }, IncludeOpTypes = new HashSet<string> { "Conv" } });
        var rewritten = quantized.Clone();

        Assert.Equal(1, FloatOpWeightsAsCastMul.Run(new OnnxGraph(rewritten.Graph)));

        var g = new OnnxGraph(rewritten.Graph);
        var mul = g.Producer(g.Nodes.Single(n => n.Name == "first").Input[1])!;
        Assert.Equal("Mul", mul.OpType);
        Assert.Equal([8L, 1, 1, 1], g.Initializer(mul.Input[1])!.Dims);
        var cast = g.Producer(mul.Input[0])!;
        Assert.Equal("Cast", cast.OpType);
        Assert.Equal(DType.Int8, g.Initializer(cast.Input[0])!.DataType);
        // "big" reads a dequantized activation: its weight keeps the DequantizeLinear that QLinearConv fusion needs.
        Assert.Equal("DequantizeLinear", g.Producer(g.Nodes.Single(n => n.Name == "big").Input[1])!.OpType);
        Assert.DoesNotContain(g.Nodes, n => n.OpType == "DequantizeLinear" && g.Consumers(n.Output[0]).Count == 0);

        var x = OrtRun.Random(3 * 64, 56);
        OrtRun.AssertClose(OrtRun.Run(quantized, ("x", x, InputShape))["y"], OrtRun.Run(rewritten, ("x", x, InputShape))["y"], 1e-5f);
        // ORT folds Cast→Mul into a float initializer at load (it leaves DequantizeLinear alone): nothing of it runs.
        var ops = OrtOptimizedGraph.Of(rewritten, int8Activations: true).Node.Select(n => n.OpType).ToList();
        Assert.DoesNotContain("Cast", ops);
        Assert.DoesNotContain("Mul", ops);
        Assert.Contains("DequantizeLinear", OrtOptimizedGraph.Of(quantized, int8Activations: true).Node.Where(n => n.Output[0] == g.Nodes.Single(m => m.Name == "first").Input[1]).Select(n => n.OpType));
    }
}
