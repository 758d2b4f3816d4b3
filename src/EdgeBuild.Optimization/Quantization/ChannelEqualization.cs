using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Cross-layer equalization driven by measured activations. For Conv₁ → [Relu] → Conv₂ (nothing else in
/// between) channel i of the middle tensor can be divided by s_i > 0 (row i of W₁ and b₁) and multiplied back
/// in Conv₂ (the weights reading input channel i): the float result is unchanged, Relu commutes with positive
/// scales and padding zeros stay zeros. Per-tensor int8 activations lose the small channels when a few channels
/// are much wider (PP-LCNet's first conv spans ±16 in some channels and ±0.5 in others); equalizing them is free
/// when Conv₂ is depthwise (its weights are quantized per output channel = per input channel), so there every
/// channel is brought to the widest one's range. When Conv₂ mixes channels, its per-output-channel weight range
/// grows with s_i, so the scale balances both sides: s_i = √(a_i / w_i) (a: activation, w: weight column max).
/// Off by default (<see cref="QuantizationOptions.EqualizeChannels"/>): on PP-OCRv4 det it lifts the first conv's
/// quantized output from 15.8 to 29 dB but the end-to-end SQNR does not move (other tensors dominate), and on the
/// PP-OCR classifier end-to-end SQNR drops (channels small on calibration images reach past the shared range on
/// validation images). See docs/optimization.md.
/// </summary>
public static class ChannelEqualization
{
    private const float MinScale = 1e-4f;

    public static int Run(ModelProto model, OnnxGraph graph, SampleSource calibration, PassContext context)
    {
        var pairs = FindPairs(graph);
        if (pairs.Count == 0) return 0;
        var ranges = ChannelRanges.Collect(model, pairs.Select(p => p.Middle).Distinct(StringComparer.Ordinal).ToList(), calibration);
        var changes = 0;
        foreach (var pair in pairs)
        {
            if (!ranges.TryGetValue(pair.Middle, out var activation)) continue;
            if (Equalize(graph, pair, activation)) changes++;
        }

        if (changes > 0) context.Notes.Add($"channel equalization rescaled {changes} conv pair(s) before quantizing");
        return changes;
    }

    /// <summary>Conv₁, the tensor whose channels get rescaled (Conv₁'s output or the Relu's), and Conv₂.</summary>
    private sealed record Pair(NodeProto First, NodeProto? Relu, string Middle, NodeProto Second);

    private static List<Pair> FindPairs(OnnxGraph graph)
    {
        var pairs = new List<Pair>();
        foreach (var first in graph.TopologicalOrder().Where(n => n.OpType == "Conv" && NodeKind.IsStandard(n)))
        {
            if (!HasConstantWeights(graph, first) || first.Output.Count != 1) continue;
            var output = first.Output[0];
            if (!OnlyReader(graph, output, out var next)) continue;
            NodeProto? relu = null;
            var middle = output;
            if (next.OpType == "Relu" && NodeKind.IsStandard(next))
            {
                relu = next;
                middle = next.Output[0];
                if (!OnlyReader(graph, middle, out next)) continue;
            }

            if (next.OpType != "Conv" || !NodeKind.IsStandard(next) || next.Input[0] != middle || !HasConstantWeights(graph, next)) continue;
            if (next.Input.Skip(1).Contains(middle)) continue;
            var w1 = graph.Initializer(first.Input[1])!;
            var w2 = graph.Initializer(next.Input[1])!;
            var group = Attributes.GetInt(next, "group", 1);
            if (w2.Dims.Count < 2 || w2.Dims[1] * group != w1.Dims[0]) continue;
            pairs.Add(new Pair(first, relu, middle, next));
        }

        return pairs;
    }

    private static bool Equalize(OnnxGraph graph, Pair pair, float[] activation)
    {
        var w1Tensor = graph.Initializer(pair.First.Input[1])!;
        var w2Tensor = graph.Initializer(pair.Second.Input[1])!;
        var channels = (int)w1Tensor.Dims[0];
        if (activation.Length != channels) return false;
        var w2 = Tensors.ToFloatArray(w2Tensor);
        var group = (int)Attributes.GetInt(pair.Second, "group", 1);
        var outChannels = (int)w2Tensor.Dims[0];
        var inPerGroup = (int)w2Tensor.Dims[1];
        var outPerGroup = outChannels / group;
        var kernel = w2.Length / (outChannels * inPerGroup);
        var depthwise = inPerGroup == 1 && outPerGroup == 1;

        var columnMax = new float[channels];
        ForEachWeightOfInput(channels, inPerGroup, outPerGroup, kernel, (i, index) => columnMax[i] = Math.Max(columnMax[i], Math.Abs(w2[index])));

        var widest = activation.Max();
        if (widest <= 0) return false;
        var scales = new float[channels];
        for (var i = 0; i < channels; i++)
        {
            if (activation[i] <= 0 || columnMax[i] <= 0) { scales[i] = 1f; continue; }
            var s = depthwise ? activation[i] / widest : MathF.Sqrt(activation[i] / columnMax[i]);
            scales[i] = Math.Max(MinScale, s);
        }

        if (scales.All(s => Math.Abs(s - 1f) < 1e-3f)) return false;

        var w1 = Tensors.ToFloatArray(w1Tensor);
        ConvWeights.ScaleOutputChannels(w1, [.. w1Tensor.Dims], scales.Select(s => 1f / s).ToArray(), transpose: false, group: 1);
        ForEachWeightOfInput(channels, inPerGroup, outPerGroup, kernel, (i, index) => w2[index] *= scales[i]);
        Replace(graph, pair.First, 1, w1, [.. w1Tensor.Dims], "_equalized");
        Replace(graph, pair.Second, 1, w2, [.. w2Tensor.Dims], "_equalized");
        if (pair.First.Input.Count > 2 && pair.First.Input[2].Length > 0)
        {
            var bias = Tensors.ToFloatArray(graph.Initializer(pair.First.Input[2])!);
            for (var i = 0; i < channels; i++) bias[i] /= scales[i];
            Replace(graph, pair.First, 2, bias, [channels], "_equalized");
        }

        return true;
    }

    /// <summary>Visits every Conv₂ weight that multiplies input channel i (grouped layout [M, C/g, k...]).</summary>
    private static void ForEachWeightOfInput(int channels, int inPerGroup, int outPerGroup, int kernel, Action<int, int> visit)
    {
        for (var i = 0; i < channels; i++)
        {
            var g = i / inPerGroup;
            var j = i % inPerGroup;
            for (var o = g * outPerGroup; o < (g + 1) * outPerGroup; o++)
            {
                var start = ((o * inPerGroup) + j) * kernel;
                for (var k = 0; k < kernel; k++) visit(i, start + k);
            }
        }
    }

    private static void Replace(OnnxGraph graph, NodeProto node, int input, float[] values, long[] dims, string suffix)
    {
        var name = graph.UniqueName(node.Input[input] + suffix);
        graph.AddInitializer(Tensors.FromFloats(name, values, dims));
        graph.SetInput(node, input, name);
    }

    private static bool HasConstantWeights(OnnxGraph graph, NodeProto conv) =>
        conv.Input.Count >= 2 && IsFloatConstant(graph, conv.Input[1])
        && (conv.Input.Count < 3 || conv.Input[2].Length == 0 || IsFloatConstant(graph, conv.Input[2]));

    private static bool OnlyReader(OnnxGraph graph, string value, out NodeProto reader)
    {
        var readers = graph.Consumers(value);
        reader = readers.Count == 1 ? readers[0] : null!;
        return readers.Count == 1 && !graph.IsGraphOutput(value);
    }


    private static bool IsFloatConstant(OnnxGraph graph, string name) =>
        graph.IsConstant(name) && graph.Initializer(name)!.DataType == DType.Float;
}
