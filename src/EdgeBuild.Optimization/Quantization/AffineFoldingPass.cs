using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Folds constant Mul/Add that follow a Conv or ConvTranspose into its weights and bias:
/// (x∗W + b)·c + d = x∗(W·c) + (b·c + d), with c and d scalars or one value per output channel.
/// PP-LCNetV3 ("learnable affine" mobile_one_block_*.w_0/w_1) and the DB head (ConvTranspose + Add bias)
/// are full of these; each one left in place would get its own Q/DQ pair, which costs accuracy (every
/// pair adds rounding noise) and time (a QLinearMul/QLinearAdd per pair).
/// A scalar Mul/Add whose readers are all Conv nodes folds forward into them too:
/// (x·c + d)∗W + b = x∗(W·c) + (b + d·ΣW), the Add only when the Conv has no padding (padding would see
/// zeros where the original saw d).
/// Exact up to float rounding, so it runs only when quantizing.
/// </summary>
public sealed class AffineFoldingPass : IGraphPass
{
    public string Name => "affine-folding";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var changes = 0;
        foreach (var node in graph.TopologicalOrder().ToList())
        {
            if (IsAffine(node) && TryFoldIntoProducer(graph, node)) changes++;
        }

        // Readers first: in x → Mul → Add → Conv the Add must fold before the Mul sees a Conv as its reader.
        foreach (var node in graph.TopologicalOrder().Reverse().ToList())
        {
            if (IsAffine(node) && TryFoldIntoReaders(graph, node)) changes++;
        }

        return changes;
    }

    private static bool IsAffine(NodeProto node) =>
        node.OpType is "Mul" or "Add" && NodeKind.IsStandard(node) && node.Input.Count == 2;

    private static bool TryFoldIntoReaders(OnnxGraph graph, NodeProto node)
    {
        var constantIndex = IsFloatConstant(graph, node.Input[1]) ? 1 : IsFloatConstant(graph, node.Input[0]) ? 0 : -1;
        if (constantIndex < 0) return false;
        var constant = graph.Initializer(node.Input[constantIndex])!;
        if (Tensors.ElementCount(constant) != 1 || graph.IsGraphOutput(node.Output[0])) return false;
        var value = Tensors.ToFloatArray(constant)[0];
        var readers = graph.Consumers(node.Output[0]);
        if (readers.Count == 0 || readers.Any(r => !CanAbsorbInput(graph, r, node.Output[0], node.OpType == "Add"))) return false;

        var x = node.Input[1 - constantIndex];
        foreach (var conv in readers.ToList())
        {
            var weightTensor = graph.Initializer(conv.Input[1])!;
            var weight = Tensors.ToFloatArray(weightTensor);
            var outChannels = (int)weightTensor.Dims[0];
            var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? Tensors.ToFloatArray(graph.Initializer(conv.Input[2])!) : new float[outChannels];
            var perChannel = weight.Length / outChannels;
            if (node.OpType == "Mul")
            {
                for (var i = 0; i < weight.Length; i++) weight[i] *= value;
                var weightName = graph.UniqueName(conv.Input[1] + "_scaled");
                graph.AddInitializer(Tensors.FromFloats(weightName, weight, [.. weightTensor.Dims]));
                graph.SetInput(conv, 1, weightName);
            }
            else
            {
                for (var m = 0; m < outChannels; m++)
                {
                    double sum = 0;
                    for (var k = 0; k < perChannel; k++) sum += weight[m * perChannel + k];
                    bias[m] += (float)(value * sum);
                }
            }

            var biasName = graph.UniqueName((conv.Name.Length > 0 ? conv.Name : conv.Output[0]) + "_affine_bias");
            graph.AddInitializer(Tensors.FromFloats(biasName, bias, outChannels));
            while (conv.Input.Count < 3) conv.Input.Add("");
            graph.SetInput(conv, 2, biasName);
            graph.SetInput(conv, 0, x);
        }

        graph.RemoveNode(node);
        return true;
    }

    /// <summary>A Conv reading <paramref name="value"/> as its data input, with constant weights (and bias), and for an Add no padding.</summary>
    private static bool CanAbsorbInput(OnnxGraph graph, NodeProto reader, string value, bool isAdd)
    {
        if (reader.OpType != "Conv" || !NodeKind.IsStandard(reader) || reader.Input[0] != value) return false;
        if (reader.Input.Skip(1).Any(i => i == value)) return false;
        if (reader.Input.Count < 2 || !IsFloatConstant(graph, reader.Input[1])) return false;
        if (reader.Input.Count > 2 && reader.Input[2].Length > 0 && !IsFloatConstant(graph, reader.Input[2])) return false;
        if (!isAdd) return true;
        var autoPad = Attributes.GetString(reader, "auto_pad", "NOTSET");
        return autoPad is "NOTSET" or "VALID" && Attributes.GetInts(reader, "pads").All(p => p == 0);
    }

    private static bool TryFoldIntoProducer(OnnxGraph graph, NodeProto node)
    {
        var constantIndex = IsFloatConstant(graph, node.Input[1]) ? 1 : IsFloatConstant(graph, node.Input[0]) ? 0 : -1;
        if (constantIndex < 0) return false;
        var x = node.Input[1 - constantIndex];
        var producer = graph.Producer(x);
        if (producer is null || producer.OpType is not ("Conv" or "ConvTranspose") || !NodeKind.IsStandard(producer)) return false;
        if (graph.Consumers(x).Count != 1 || graph.IsGraphOutput(x) || producer.Output.Count != 1) return false;
        if (producer.Input.Count < 2 || !IsFloatConstant(graph, producer.Input[1])) return false;
        if (producer.Input.Count > 2 && producer.Input[2].Length > 0 && !IsFloatConstant(graph, producer.Input[2])) return false;

        var weightTensor = graph.Initializer(producer.Input[1])!;
        var isTranspose = producer.OpType == "ConvTranspose";
        var group = Attributes.GetInt(producer, "group", 1);
        var channels = (int)(isTranspose ? weightTensor.Dims[1] * group : weightTensor.Dims[0]);
        var perChannel = PerChannel(graph.Initializer(node.Input[constantIndex])!, channels, weightTensor.Dims.Count);
        if (perChannel is null) return false;

        var bias = producer.Input.Count > 2 && producer.Input[2].Length > 0
            ? Tensors.ToFloatArray(graph.Initializer(producer.Input[2])!)
            : new float[channels];
        if (bias.Length != channels) return false;

        if (node.OpType == "Add")
        {
            for (var c = 0; c < channels; c++) bias[c] += perChannel[c];
        }
        else
        {
            var weight = Tensors.ToFloatArray(weightTensor);
            ConvWeights.ScaleOutputChannels(weight, [.. weightTensor.Dims], perChannel, isTranspose, group);
            for (var c = 0; c < channels; c++) bias[c] *= perChannel[c];
            var weightName = graph.UniqueName(producer.Input[1] + "_scaled");
            graph.AddInitializer(Tensors.FromFloats(weightName, weight, [.. weightTensor.Dims]));
            graph.SetInput(producer, 1, weightName);
        }

        var biasName = graph.UniqueName((producer.Name.Length > 0 ? producer.Name : producer.Output[0]) + "_affine_bias");
        graph.AddInitializer(Tensors.FromFloats(biasName, bias, channels));
        while (producer.Input.Count < 3) producer.Input.Add("");
        graph.SetInput(producer, 2, biasName);

        var output = node.Output[0];
        graph.RemoveNode(node);
        graph.SetOutput(producer, 0, output);
        return true;
    }

    /// <summary>
    /// The constant as one value per output channel, when it broadcasts that way against [N, C, spatial...]:
    /// a scalar (any rank with every dim 1), or [C, 1, ...] / [1, C, 1, ...] shapes. Otherwise null.
    /// </summary>
    private static float[]? PerChannel(TensorProto constant, int channels, int outputRank)
    {
        var values = Tensors.ToFloatArray(constant);
        var dims = constant.Dims.ToArray();
        if (dims.Length > outputRank) return null;
        if (values.Length == 1) return Enumerable.Repeat(values[0], channels).ToArray();
        if (values.Length != channels) return null;
        // Right-aligned broadcast: the channel axis of the output is rank-1-(outputRank-2) from the end.
        var channelAxisFromEnd = outputRank - 1 - 1;
        for (var i = 0; i < dims.Length; i++)
        {
            var fromEnd = dims.Length - 1 - i;
            if (dims[i] != 1 && fromEnd != channelAxisFromEnd) return null;
        }

        return values;
    }

    private static bool IsFloatConstant(OnnxGraph graph, string name) =>
        graph.IsConstant(name) && graph.Initializer(name)!.DataType == DType.Float;
}
