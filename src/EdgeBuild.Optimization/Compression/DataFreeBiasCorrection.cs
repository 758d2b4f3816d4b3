using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.IO;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// The data-free plan's bias correction (<see cref="WeightBiasCorrection"/>, the calibrated path's rule, Nagel et al.
/// 2019): rounding a channel's weights leaves an error δW that is fixed, so for inputs whose mean is not zero the layer's
/// output moves by δW·E[x] on average, and the network carries that shift on like a signal. Here the weights are the
/// data-free compression's Cast→Mul ones and the mean input per channel is measured on the float model over the given
/// samples (made-up ones in the data-free plan, never validation data); each output channel's bias absorbs −δW·E[x]:
/// the layer's mean output is float32's again, with no byte more in the file.
/// </summary>
/// <remarks>
/// Why it matters: on the PP-OCRv4 recognizer the rounding shifted the log-odds of "space" against "blank" by +0.48 on
/// average (89 % of uncertain positions the same way), which tipped near ties into extra spaces; with the shift removed
/// the held-out lines read as float32 reads them (docs/optimization.md). Covers the main graph's Conv (any group and
/// kernel; the mean over positions ignores padding at the borders), Gemm and 2-D MatMul followed by an Add of a
/// constant bias; others (ConvTranspose, bodies, shared weights) are left as they are and counted.
/// </remarks>
public static class DataFreeBiasCorrection
{
    /// <summary>Layers whose bias was corrected, and compressed weights left as they are (no place for a bias, shared, or inside a body).</summary>
    public sealed record Result(int Corrected, int Skipped);

    private sealed record Layer(NodeProto Node, float[] Original, float[] Rounded, long[] Dims, string Input, int ChannelAxis);

    /// <param name="reference">The float model <paramref name="compressed"/> was made from (same value names).</param>
    /// <param name="compressed">The model with Cast→Mul weights (<see cref="DataFreeWeightCompression"/>); its biases are rewritten.</param>
    /// <param name="samples">Inputs to measure the mean input of each layer on.</param>
    public static Result Run(ModelProto reference, ModelProto compressed, IReadOnlyList<Sample> samples) => Run(reference, compressed, [samples]);

    /// <summary>
    /// The correction measured on each of several sets of made-up inputs that differ only in what a made-up input cannot
    /// know (how the model expects its images scaled, <see cref="SyntheticSamples.InImageScalings"/>), and applied per
    /// output channel only as far as every set agrees: the smallest of the shifts when they all point the same way, none
    /// when they disagree. A shift that depends on the input's scaling would be right for one scaling and wrong for the
    /// others: measured on ISNet (images in [-0.5, 0.5], made-up ones ImageNet-normalized), correcting by one set cost
    /// 0.8–6.6 dB per output on held-out photos (IsnetBiasCorrectionTests).
    /// </summary>
    /// <param name="reference">The float model <paramref name="compressed"/> was made from (same value names).</param>
    /// <param name="compressed">The model with Cast→Mul weights; its biases are rewritten.</param>
    /// <param name="sampleSets">Sets of inputs, each measured on its own; one set applies its shift as it is.</param>
    public static Result Run(ModelProto reference, ModelProto compressed, IReadOnlyList<IReadOnlyList<Sample>> sampleSets)
    {
        var graph = new OnnxGraph(compressed.Graph);
        var floats = FloatWeights(reference.Graph);
        var readInBodies = BodyReads(compressed.Graph);
        var layers = new List<Layer>();
        int skipped = 0;
        foreach (var (weight, rounded, dims) in RoundedWeights(graph))
        {
            var readers = graph.Consumers(weight);
            if (readers.Count == 1 && !readInBodies.Contains(weight) && floats.TryGetValue(weight, out var original) && original.Length == rounded.Length
                && LayerOf(graph, readers[0], weight, dims) is { } channelAxis)
            {
                layers.Add(new Layer(readers[0], original, rounded, dims, readers[0].Input[0], channelAxis));
            }
            else
            {
                skipped++;
            }
        }

        if (layers.Count == 0 || sampleSets.Count == 0 || sampleSets.Any(set => set.Count == 0)) return new Result(0, skipped + layers.Count);
        var means = sampleSets.Select(set => InputMeans(reference, layers, set)).ToList();
        var corrected = 0;
        foreach (var layer in layers)
        {
            var shifts = means.Select(m => m.TryGetValue(layer.Input, out var mean) ? OutputShift(layer, mean) : null).ToList();
            if (shifts.Any(shift => shift is null)) { skipped++; continue; }
            AddToBias(graph, layer.Node, Agreed(shifts!));
            corrected++;
        }

        return new Result(corrected, skipped);
    }

    /// <summary>Every weight written as Mul(Cast(integer initializer), float scale) in the main graph: its name, dequantized values and dims.</summary>
    private static IEnumerable<(string Name, float[] Values, long[] Dims)> RoundedWeights(OnnxGraph graph)
    {
        foreach (var mul in graph.Proto.Node.Where(n => n.OpType == "Mul" && n.Input.Count == 2).ToList())
        {
            if (graph.Producer(mul.Input[0]) is not { OpType: "Cast" } cast || graph.Initializer(cast.Input[0]) is not { } integers
                || graph.Initializer(mul.Input[1]) is not { DataType: DType.Float } scale) continue;
            float[]? values = integers.DataType switch
            {
                DType.Int8 => Tensors.ToFloatArray(integers),
                DType.Int16 => Array.ConvertAll(Tensors.ToArray<short>(integers), v => (float)v),
                _ => null,
            };
            if (values is null) continue;
            var dims = integers.Dims.ToArray();
            Scale(values, dims, Tensors.ToFloatArray(scale), scale.Dims.ToArray());
            yield return (mul.Output[0], values, dims);
        }
    }

    /// <summary>
    /// Multiplies <paramref name="values"/> by <paramref name="scale"/> broadcast to their dims: a scalar, or the weight's
    /// rank with its (contiguous, <see cref="SymmetricWeights"/>) channel axes and 1 elsewhere.
    /// </summary>
    private static void Scale(float[] values, long[] dims, float[] scale, long[] scaleDims)
    {
        var lastChannelAxis = Array.FindLastIndex(scaleDims, d => d != 1);
        long inner = 1;
        for (var d = lastChannelAxis + 1; d < dims.Length; d++) inner *= dims[d];
        for (var i = 0; i < values.Length; i++) values[i] *= scale[i / inner % scale.Length];
    }

    /// <summary>The float values of every initializer and Constant of the reference's main graph.</summary>
    private static Dictionary<string, float[]> FloatWeights(GraphProto graph)
    {
        var tensors = graph.Initializer.Select(t => (t.Name, Tensor: t))
            .Concat(graph.Node.Where(n => n.OpType == "Constant" && n.Attribute.Count == 1 && n.Attribute[0].T is not null).Select(n => (Name: n.Output[0], Tensor: n.Attribute[0].T)));
        return tensors.Where(t => t.Tensor.DataType == DType.Float && Tensors.IsStoredInline(t.Tensor))
            .GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Tensors.ToFloatArray(g.First().Tensor), StringComparer.Ordinal);
    }

    /// <summary>Every value name read inside an If/Loop/Scan body (a weight read there too is left as it is).</summary>
    private static HashSet<string> BodyReads(GraphProto graph) =>
        ModelTensors.WithSubgraphs(graph).Skip(1).SelectMany(g => g.Node).SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The axis of the layer's data input that the weight's input channels run along, when <paramref name="node"/> reads
    /// <paramref name="weight"/> as a weight the correction covers and has (or can be given) a bias; else null.
    /// </summary>
    private static int? LayerOf(OnnxGraph graph, NodeProto node, string weight, long[] dims)
    {
        if (node.Input.Count < 2 || node.Input[1] != weight || graph.IsInitializer(node.Input[0])) return null;
        switch (node.OpType)
        {
            case "Conv" when dims.Length >= 3:
                return node.Input.Count < 3 || node.Input[2].Length == 0 || graph.IsConstant(node.Input[2]) ? 1 : null;
            case "Gemm" when dims.Length == 2 && !node.Attribute.Any(a => a.Name == "transA" && a.I != 0):
                return node.Input.Count < 3 || (graph.Initializer(node.Input[2]) is { } c && c.Dims.Count == 1) ? -1 : null;
            case "MatMul" when dims.Length == 2:
                return BiasAdd(graph, node, dims[1]) is null ? null : -1;
            default:
                return null;
        }
    }

    /// <summary>The Add right after a MatMul (its only reader) with a constant [N] bias of the MatMul's own, and that bias's name.</summary>
    private static (NodeProto Add, string Bias)? BiasAdd(OnnxGraph graph, NodeProto matMul, long columns)
    {
        if (graph.IsGraphOutput(matMul.Output[0]) || graph.Consumers(matMul.Output[0]) is not [{ OpType: "Add" } add]) return null;
        var bias = add.Input.FirstOrDefault(i => i != matMul.Output[0] && graph.Initializer(i) is { } t && t.DataType == DType.Float && t.Dims.Count == 1 && t.Dims[0] == columns);
        return bias is null || graph.Consumers(bias).Count != 1 ? null : (add, bias);
    }

    /// <summary>Per layer input, the mean of each channel over every sample and position, on the float model (one thread: the same sums everywhere).</summary>
    private static Dictionary<string, float[]> InputMeans(ModelProto reference, IReadOnlyList<Layer> layers, IReadOnlyList<Sample> samples)
    {
        var inputs = layers.Select(l => (l.Input, l.ChannelAxis)).Distinct().ToList();
        var names = inputs.Select(i => i.Input).ToList();
        var sums = new Dictionary<string, double[]>(StringComparer.Ordinal);
        using var options = Sessions.Quiet(GraphOptimizationLevel.ORT_ENABLE_BASIC, intraOpThreads: 1);
        using var session = new InferenceSession(Calibrator.Augment(reference, names).ToByteArray(), options);
        foreach (var sample in samples)
        {
            using var outputs = Sessions.Run(session, sample, names);
            for (var i = 0; i < inputs.Count; i++)
            {
                var shape = outputs[i].GetTensorTypeAndShape().Shape;
                var values = outputs[i].GetTensorDataAsSpan<float>();
                var axis = inputs[i].ChannelAxis < 0 ? shape.Length - 1 : inputs[i].ChannelAxis;
                var means = ChannelMeans(values, shape, axis);
                if (!sums.TryGetValue(inputs[i].Input, out var sum)) sums[inputs[i].Input] = sum = new double[means.Length];
                if (sum.Length != means.Length) continue;
                for (var c = 0; c < means.Length; c++) sum[c] += means[c];
            }
        }

        return sums.ToDictionary(s => s.Key, s => s.Value.Select(v => (float)(v / samples.Count)).ToArray(), StringComparer.Ordinal);
    }

    private static double[] ChannelMeans(ReadOnlySpan<float> values, long[] shape, int axis)
    {
        var channels = (int)shape[axis];
        long inner = 1;
        for (var d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        var sums = new double[channels];
        for (var i = 0; i < values.Length; i++) sums[(int)(i / inner % channels)] += values[i];
        var perChannel = (double)values.Length / channels;
        for (var c = 0; c < channels; c++) sums[c] /= perChannel;
        return sums;
    }

    /// <summary>Per channel, the smallest of the shifts when all have the same sign, else 0.</summary>
    private static float[] Agreed(IReadOnlyList<float[]> shifts)
    {
        var agreed = new float[shifts[0].Length];
        for (var c = 0; c < agreed.Length; c++)
        {
            var values = shifts.Select(s => s[c]).ToList();
            agreed[c] = values.All(v => v > 0) ? values.Min() : values.All(v => v < 0) ? values.Max() : 0;
        }

        return agreed;
    }

    /// <summary>What each output channel's bias needs added (−δW·E[x]), or null when the measured input does not fit the weight.</summary>
    private static float[]? OutputShift(Layer layer, float[] mean) => layer.Node.OpType == "Conv"
        ? WeightBiasCorrection.Shift(layer.Original, layer.Rounded, layer.Dims, Attributes.GetInt(layer.Node, "group", 1), mean)
        : WeightBiasCorrection.LinearShift(layer.Original, layer.Rounded, layer.Dims, layer.Node.OpType == "Gemm" && Attributes.GetInt(layer.Node, "transB", 0) != 0, mean);

    /// <summary>bias += shift, in a bias of the layer's own (a new initializer when it had none or shared one).</summary>
    private static void AddToBias(OnnxGraph graph, NodeProto node, float[] shift)
    {
        var (owner, slot, current) = node.OpType == "MatMul" && BiasAdd(graph, node, shift.Length) is { } add
            ? (add.Add, add.Add.Input.IndexOf(add.Bias), add.Bias)
            : (node, 2, node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null);
        var bias = current is null ? new float[shift.Length] : Tensors.ToFloatArray(graph.Initializer(current)!);
        for (var c = 0; c < bias.Length; c++) bias[c] += shift[c];
        var name = current is not null && graph.Consumers(current).Count == 1 ? current : graph.UniqueName((current ?? node.Output[0]) + "_bias");
        if (name == current) graph.RemoveInitializer(name);
        graph.AddInitializer(Tensors.FromFloats(name, bias, shift.Length));
        if (name == current) return;
        if (owner == node && node.Input.Count < 3) node.Input.Add(name);
        else graph.SetInput(owner, slot, name);
    }
}
