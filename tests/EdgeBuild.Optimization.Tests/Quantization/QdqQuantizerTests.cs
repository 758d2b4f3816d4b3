using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Quantization;

public class QdqQuantizerTests
{
    private static (ModelProto Quantized, IReadOnlyList<OutputComparison> Accuracy) Quantize(ModelProto model, long[] inputShape, QuantizationOptions? options = null)
    {
        using var dir = new TempDir();
        var samples = SampleSource.Open(Npy.RandomSamples(dir, "cal", 8, inputShape), SampleSource.InputsOf(model), null);
        var quantized = model.Clone();
        QdqQuantizer.Quantize(quantized, samples, options ?? new QuantizationOptions());
        var validation = SampleSource.Open(Npy.RandomSamples(dir, "val", 4, inputShape, seed: 900), SampleSource.InputsOf(model), null);
        return (quantized, ModelVerifier.Compare(model.ToByteArray(), quantized.ToByteArray(), validation));
    }

    private static ModelProto ConvRelu() => new ModelBuilder()
        .Input("x", DType.Float, 1, 3, 8, 8)
        .Initializer("w", OrtRun.Random(4 * 3 * 3 * 3, 1), 4, 3, 3, 3)
        .Initializer("b", OrtRun.Random(4, 2), 4)
        .Node("Conv", ["x", "w", "b"], ["c"], Attributes.Ints("pads", 1, 1, 1, 1))
        .Node("Relu", ["c"], ["r"])
        .Initializer("w2", OrtRun.Random(2 * 4, 3), 2, 4, 1, 1)
        .Node("Conv", ["r", "w2"], ["y"])
        .Output("y", DType.Float, 1, 2, 8, 8)
        .Build();

    [Fact]
    public void Conv_relu_chain_gets_int8_weights_int32_bias_and_stays_accurate()
    {
        var (q, accuracy) = Quantize(ConvRelu(), [1, 3, 8, 8]);

        Assert.True(accuracy[0].SqnrDb > 25, $"SQNR {accuracy[0].SqnrDb:F1} dB"); // two int8 stages on uniform noise: ~28 dB
        Assert.Contains(q.Graph.Initializer, t => t.DataType == DType.Int8 && t.Dims.SequenceEqual([4L, 3, 3, 3]));
        Assert.Contains(q.Graph.Initializer, t => t.DataType == DType.Int32 && t.Dims.SequenceEqual([4L]));
        Assert.True(q.OpsetImport.Single(o => o.Domain == "").Version >= 13);
        // The Relu output carries the pair; the first Conv's raw output has none (the clamp folds into it).
        var g = new OnnxGraph(q.Graph);
        Assert.Equal(["Relu"], g.Consumers("c").Select(n => n.OpType));
        // The last Conv writes the graph output and stays float, but the Relu output still gets a pair: that Q is
        // what lets ORT run the first Conv as QLinearConv.
        Assert.Equal(["QuantizeLinear"], g.Consumers("r").Select(n => n.OpType));
        Assert.Equal("w2", g.Nodes.Single(n => n.Output[0] == "y").Input[1]);
    }

    [Fact]
    public void Elementwise_and_concat_are_quantized_on_both_sides()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 4, 4, 4)
            .Initializer("k", [3f], 1)
            .Node("Add", ["x", "k"], ["a"])
            .Node("Mul", ["a", "x"], ["m"])
            .Node("GlobalAveragePool", ["m"], ["p"])
            .Node("Concat", ["m", "x"], ["y"], Attributes.Int("axis", 1))
            .Output("y", DType.Float, 1, 8, 4, 4)
            .Output("p", DType.Float, 1, 4, 1, 1)
            .Build();

        var (q, accuracy) = Quantize(model, [1, 4, 4, 4]);

        Assert.All(accuracy, a => Assert.True(a.SqnrDb > 30, $"{a.Name}: SQNR {a.SqnrDb:F1} dB"));
        var g = new OnnxGraph(q.Graph);
        Assert.Equal("DequantizeLinear", g.Producer(g.Nodes.Single(n => n.OpType == "Add").Input[1])!.OpType);
        // Both readers of m write graph outputs, so they stay float and m needs no pair of its own.
        Assert.DoesNotContain(g.Consumers("m"), n => n.OpType == "QuantizeLinear");
    }

    [Fact]
    public void Excluded_nodes_stay_float()
    {
        var model = ConvRelu();
        var name = model.Graph.Node[2].Name;

        var (q, _) = Quantize(model, [1, 3, 8, 8], new QuantizationOptions { ExcludeNodes = new HashSet<string> { name } });

        var conv = q.Graph.Node.Single(n => n.Name == name);
        Assert.Equal("w2", conv.Input[1]);
    }

    [Fact]
    public void Per_tensor_weights_get_a_single_bias_scale()
    {
        var (q, accuracy) = Quantize(ConvRelu(), [1, 3, 8, 8], new QuantizationOptions { PerChannel = false });

        Assert.True(accuracy[0].SqnrDb > 20, $"SQNR {accuracy[0].SqnrDb:F1} dB");
        var g = new OnnxGraph(q.Graph);
        var biasDq = q.Graph.Node.Single(n => n.OpType == "DequantizeLinear" && g.Initializer(n.Input[0])?.DataType == DType.Int32);
        var biasScale = g.Producer(biasDq.Input[1])!;
        Assert.All(biasScale.Input, s => Assert.Empty(g.Initializer(s)!.Dims));
        Assert.Null(Attributes.Find(biasDq, "axis"));
        Assert.Contains("QLinearConv", OrtOptimizedGraph.Of(q, int8Activations: true).Node.Select(n => n.OpType));
    }

    [Fact]
    public void Bias_scale_is_a_mul_of_the_stored_scales_weights_have_no_zero_points_and_ort_still_fuses_the_conv()
    {
        var (q, accuracy) = Quantize(ConvRelu(), [1, 3, 8, 8]);

        Assert.True(accuracy[0].SqnrDb > 25, $"SQNR {accuracy[0].SqnrDb:F1} dB");
        var g = new OnnxGraph(q.Graph);
        var conv = g.Nodes.Single(n => n.OpType == "Conv" && n.Input.Count == 3);
        var (inputDq, weightDq, biasDq) = (g.Producer(conv.Input[0])!, g.Producer(conv.Input[1])!, g.Producer(conv.Input[2])!);
        // Symmetric int8 weights: the all-zero zero point is implicit.
        Assert.Equal(2, weightDq.Input.Count);
        Assert.DoesNotContain(q.Graph.Initializer, t => t.DataType == DType.Int8 && t.Dims.SequenceEqual([4L]));
        // s_x·s_w is not stored: a Mul of the input pair's scale and the weight scale computes it (the cleanup's
        // constant folding leaves it alone), and it equals the scale the int32 bias was quantized with.
        var mul = g.Producer(biasDq.Input[1])!;
        Assert.Equal("Mul", mul.OpType);
        Assert.Equal(new[] { inputDq.Input[1], weightDq.Input[1] }, mul.Input);
        var sx = Tensors.ToFloatArray(g.Initializer(inputDq.Input[1])!)[0];
        var sw = Tensors.ToFloatArray(g.Initializer(weightDq.Input[1])!);
        var bias = Tensors.ToFloatArray(ConvRelu().Graph.Initializer.Single(t => t.Name == "b"));
        var q32 = Tensors.ToArray<int>(g.Initializer(biasDq.Input[0])!);
        for (var c = 0; c < 4; c++) Assert.Equal(Math.Round(bias[c] / (sx * sw[c])), q32[c]);

        // ORT folds the Mul at load and fuses DQ→Conv→Relu→Q into QLinearConv: no float Conv or Mul is left for it.
        var ops = OrtOptimizedGraph.Of(q, int8Activations: true).Node.Select(n => n.OpType).ToList();
        Assert.Single(ops, "QLinearConv");
        Assert.DoesNotContain("Mul", ops);
        Assert.Single(ops, "Conv"); // the last Conv writes the graph output and stays float by design
    }
}
