using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Optimization.Verification;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// Static QDQ reaches inside control flow: activations computed in an If branch and in a Loop body are calibrated
/// (routed out of their bodies for the calibration run) and get Q/DQ pairs inside the body, next to the int8 weights
/// they read from the main graph; names stay unique, onnx.checker's full check passes, ORT runs it and the outputs stay close.
/// </summary>
public class BodyActivationQuantizationTests
{
    private const int C = 8;

    /// <summary>
    /// x → If(mean(x) > -100: Conv→Relu→Conv, else: x) → Loop(3 times: s → Conv → Relu) → Conv → y. Every weight lives
    /// in the main graph and is read by the bodies across the scope boundary, as exporters write it.
    /// </summary>
    internal static ModelProto ControlFlowModel()
    {
        // No shape: a body value's shape is left to inference, as exporters write it (an empty shape would mean a scalar).
        static ValueInfoProto Value(string name, int type) => new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type } } };
        var pads = Attributes.Ints("pads", 1, 1, 1, 1);
        var then = new GraphProto
        {
            Name = "then",
            Node =
            {
                new NodeProto { Name = "then_conv1", OpType = "Conv", Input = { "x", "w1", "b1" }, Output = { "t1" }, Attribute = { pads } },
                new NodeProto { Name = "then_relu", OpType = "Relu", Input = { "t1" }, Output = { "t2" } },
                new NodeProto { Name = "then_conv2", OpType = "Conv", Input = { "t2", "w2", "b2" }, Output = { "t3" }, Attribute = { pads } },
                new NodeProto { Name = "then_relu2", OpType = "Relu", Input = { "t3" }, Output = { "t4" } },
            },
            Output = { Value("t4", DType.Float) },
        };
        var otherwise = new GraphProto
        {
            Name = "else",
            Node = { new NodeProto { Name = "else_id", OpType = "Identity", Input = { "x" }, Output = { "e1" } } },
            Output = { Value("e1", DType.Float) },
        };
        var loop = new GraphProto
        {
            Name = "loop",
            Input = { ModelBuilder.CreateValueInfo("i", DType.Int64, []), ModelBuilder.CreateValueInfo("cond_in", DType.Bool, []), Value("s", DType.Float) },
            Node =
            {
                new NodeProto { Name = "loop_cond", OpType = "Identity", Input = { "cond_in" }, Output = { "cond_out" } },
                new NodeProto { Name = "loop_conv", OpType = "Conv", Input = { "s", "w3", "b3" }, Output = { "l1" }, Attribute = { pads } },
                new NodeProto { Name = "loop_relu", OpType = "Relu", Input = { "l1" }, Output = { "l2" } },
                new NodeProto { Name = "loop_add", OpType = "Add", Input = { "l2", "s" }, Output = { "l3" } },
            },
            Output = { Value("cond_out", DType.Bool), Value("l3", DType.Float) },
        };

        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, C, 8, 8)
            .Initializer("w1", Scaled(C * C * 9, 1, 0.2f), C, C, 3, 3).Initializer("b1", Scaled(C, 2, 0.1f), C)
            .Initializer("w2", Scaled(C * C * 9, 3, 0.2f), C, C, 3, 3).Initializer("b2", Scaled(C, 4, 0.1f), C)
            .Initializer("w3", Scaled(C * C * 9, 5, 0.1f), C, C, 3, 3).Initializer("b3", Scaled(C, 6, 0.1f), C)
            .Initializer("w4", Scaled(C * C, 7, 0.3f), C, C, 1, 1)
            .Initializer("threshold", [-100f])
            .Node("ReduceMean", ["x"], ["mean"], Attributes.Int("keepdims", 0))
            .Node("Greater", ["mean", "threshold"], ["cond"])
            .Node("If", ["cond"], ["branch"], Attributes.Graph("then_branch", then), Attributes.Graph("else_branch", otherwise))
            .Node("Loop", ["trips", "loop_go", "branch"], ["looped"], Attributes.Graph("body", loop))
            .Node("Conv", ["looped", "w4"], ["y"])
            .Output("y", DType.Float, 1, C, 8, 8)
            .Build();
        model.Graph.Initializer.Add(Tensors.FromInt64s("trips", [3]));
        model.Graph.Initializer.Add(new TensorProto { Name = "loop_go", DataType = DType.Bool, Int32Data = { 1 } });
        return model;
    }

    private static float[] Scaled(int count, int seed, float scale) => OrtRun.Random(count, seed).Select(v => v * scale).ToArray();

    private static IEnumerable<GraphProto> Bodies(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Attribute).Where(a => a.G is not null).SelectMany(a => Bodies(a.G).Prepend(a.G));

    [Fact]
    public void Activations_inside_if_and_loop_bodies_get_qdq_and_the_model_checks_runs_and_stays_close()
    {
        using var dir = new TempDir();
        var model = ControlFlowModel();
        var calibration = SampleSource.Open(Npy.RandomSamples(dir, "cal", 8, [1, C, 8, 8]), SampleSource.InputsOf(model), null);
        var validation = SampleSource.Open(Npy.RandomSamples(dir, "val", 4, [1, C, 8, 8], seed: 900), SampleSource.InputsOf(model), null);

        var quantized = model.Clone();
        var summary = QdqQuantizer.Quantize(quantized, calibration, new QuantizationOptions());

        var bodies = Bodies(quantized.Graph).ToDictionary(g => g.Name);
        foreach (var name in new[] { "then", "loop" })
        {
            var body = bodies[name];
            Assert.True(body.Node.Count(n => n.OpType == "QuantizeLinear") > 0, $"{name}: no activation Q/DQ pair");
            Assert.Contains(body.Initializer, t => t.DataType == DType.Int8 && t.Dims.Count == 4); // the weight, dequantized inside the body
            Assert.Contains(body.Initializer, t => t.DataType == DType.Int32); // the bias, s_x·s_w
        }

        Assert.Contains("l2", summary.BodyActivations); // the loop Conv's output after its Relu (the clamp folds into the Conv)
        Assert.Contains(summary.BodyActivations, a => a.StartsWith('t'));
        // The main graph keeps no float copy of a weight the bodies now hold as int8.
        Assert.DoesNotContain(quantized.Graph.Initializer, t => t.Name is "w1" or "w2" or "w3");
        Assert.DoesNotContain(bodies["else"].Node, n => n.OpType == "QuantizeLinear");

        var accuracy = ModelVerifier.Compare(model.ToByteArray(), quantized.ToByteArray(), validation);
        Assert.True(accuracy.Single().SqnrDb > 25, $"SQNR {accuracy.Single().SqnrDb:F1} dB");

        File.WriteAllBytes(dir.File("q.onnx"), quantized.ToByteArray());
        var (exit, text) = OnnxChecker.Run([dir.File("q.onnx")]);
        Assert.True(exit == 0, text);
    }

    [Fact]
    public void With_float_body_activations_bodies_get_int8_weights_and_no_activation_pairs()
    {
        using var dir = new TempDir();
        var model = ControlFlowModel();
        var calibration = SampleSource.Open(Npy.RandomSamples(dir, "cal", 4, [1, C, 8, 8]), SampleSource.InputsOf(model), null);

        var quantized = model.Clone();
        var summary = QdqQuantizer.Quantize(quantized, calibration, new QuantizationOptions { FloatBodyActivations = true });
        FloatOpWeightsAsCastMul.RunAll(quantized);

        Assert.Empty(summary.BodyActivations);
        foreach (var body in Bodies(quantized.Graph).Where(b => b.Name is "then" or "loop"))
        {
            Assert.DoesNotContain(body.Node, n => n.OpType is "QuantizeLinear" or "DequantizeLinear");
            Assert.Contains(body.Initializer, t => t.DataType == DType.Int8); // read as Cast→Mul, folded by ORT at load
        }

        var validation = SampleSource.Open(Npy.RandomSamples(dir, "val", 2, [1, C, 8, 8], seed: 900), SampleSource.InputsOf(model), null);
        Assert.True(ModelVerifier.Compare(model.ToByteArray(), quantized.ToByteArray(), validation).Single().SqnrDb > 30);
        File.WriteAllBytes(dir.File("q.onnx"), quantized.ToByteArray());
        var (exit, text) = OnnxChecker.Run([dir.File("q.onnx")]);
        Assert.True(exit == 0, text);
    }
}
