using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>
/// How a written model splits its Conv / ConvTranspose work between integer kernels (data input and weights both through
/// a DequantizeLinear: ORT runs a QLinearConv; a float Conv reads its int8 weights through Cast→Mul) and float ones: counts and multiply-accumulates, the MACs from the tensor
/// shapes of one run on a zero input of the given shape. Read from the file, not from the optimizer's notes.
/// </summary>
internal sealed record ConvSplit(int IntegerConvs, int Convs, long IntegerMacs, long Macs)
{
    public long FloatMacs => Macs - IntegerMacs;

    public static ConvSplit Of(string modelPath, params long[] inputShape)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var dequantized = model.Graph.Node.Where(n => n.OpType == "DequantizeLinear").Select(n => n.Output[0]).ToHashSet(StringComparer.Ordinal);
        var convs = model.Graph.Node.Where(n => n.OpType is "Conv" or "ConvTranspose").ToList();
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var wanted = convs.SelectMany(n => new[] { n.Input[0], n.Input[1], n.Output[0] }).Where(t => !initializers.ContainsKey(t))
            .Where(t => model.Graph.Input.All(i => i.Name != t)).Distinct(StringComparer.Ordinal).ToList();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(Calibrator.Augment(model, wanted).ToByteArray(), options);
        using var x = OrtValue.CreateTensorValueFromMemory(new float[inputShape.Aggregate(1L, (a, d) => a * d)], inputShape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [model.Graph.Input[0].Name], [x], wanted);
        var shapes = wanted.Select((t, i) => (t, outputs[i].GetTensorTypeAndShape().Shape)).ToDictionary(p => p.t, p => p.Shape, StringComparer.Ordinal);
        shapes[model.Graph.Input[0].Name] = inputShape;
        long[] Shape(string t) => initializers.TryGetValue(t, out var init) ? [.. init.Dims] : shapes[t];
        static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, d) => a * d);
        // As FallbackLatencyCost.MacsPerNode: each output element of a Conv sums C/group x kernel products; a transposed conv scatters each input element.
        long MacsOf(NodeProto n) => n.OpType == "Conv" ? Product(Shape(n.Output[0])) * Product(Shape(n.Input[1]).Skip(1)) : Product(Shape(n.Input[0])) * Product(Shape(n.Input[1]).Skip(1));
        var integerConvs = convs.Where(n => dequantized.Contains(n.Input[0]) && dequantized.Contains(n.Input[1])).ToList();
        return new ConvSplit(integerConvs.Count, convs.Count, integerConvs.Sum(MacsOf), convs.Sum(MacsOf));
    }

    public override string ToString() => $"{IntegerConvs} of {Convs} convs integer, {IntegerMacs / 1e6:F0} of {Macs / 1e6:F0} MMAC";
}
