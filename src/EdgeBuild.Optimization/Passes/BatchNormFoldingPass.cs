using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Folds an inference-mode BatchNormalization into the Conv, ConvTranspose or Gemm feeding it:
/// y = (x·W + b − mean)·s/√(var+ε) + β becomes x·(W·f) + ((b − mean)·f + β) with f = s/√(var+ε) per
/// output channel. Saves a whole pass over the activation and lets the quantizer see one weight.
/// </summary>
public sealed class BatchNormFoldingPass : IGraphPass
{
    public string Name => "batchnorm-folding";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var changes = 0;
        foreach (var bn in graph.Nodes.Where(n => n.OpType == "BatchNormalization" && NodeKind.IsStandard(n)).ToList())
        {
            if (TryFold(graph, bn)) changes++;
        }

        return changes;
    }

    private static bool TryFold(OnnxGraph graph, NodeProto bn)
    {
        if (bn.Output.Count(o => o.Length > 0) != 1 || Attributes.GetInt(bn, "training_mode", 0) != 0) return false;
        if (bn.Input.Count < 5 || !bn.Input.Skip(1).All(i => IsFloatConstant(graph, i))) return false;

        var producer = graph.Producer(bn.Input[0]);
        if (producer is null || !NodeKind.IsStandard(producer)) return false;
        if (graph.Consumers(bn.Input[0]).Count != 1 || graph.IsGraphOutput(bn.Input[0])) return false;
        if (producer.Output.Count(o => o.Length > 0) != 1) return false;

        var scale = Tensors.ToFloatArray(graph.Initializer(bn.Input[1])!);
        var beta = Tensors.ToFloatArray(graph.Initializer(bn.Input[2])!);
        var mean = Tensors.ToFloatArray(graph.Initializer(bn.Input[3])!);
        var variance = Tensors.ToFloatArray(graph.Initializer(bn.Input[4])!);
        var epsilon = Attributes.GetFloat(bn, "epsilon", 1e-5f);
        var channels = scale.Length;
        if (beta.Length != channels || mean.Length != channels || variance.Length != channels) return false;
        var factor = new float[channels];
        for (var c = 0; c < channels; c++) factor[c] = (float)(scale[c] / Math.Sqrt(variance[c] + (double)epsilon));

        var folded = producer.OpType switch
        {
            "Conv" => FoldConv(graph, producer, factor, weightChannelAxis: 0),
            "ConvTranspose" => FoldConv(graph, producer, factor, weightChannelAxis: 1),
            "Gemm" => FoldGemm(graph, producer, factor),
            _ => null,
        };
        if (folded is null) return false;

        var (weight, rawBias) = folded.Value;
        var newBias = new float[channels];
        for (var c = 0; c < channels; c++) newBias[c] = (rawBias[c] - mean[c]) * factor[c] + beta[c];

        var weightName = graph.UniqueName(producer.Input[1] + "_bnfolded");
        var biasName = graph.UniqueName((producer.Name.Length > 0 ? producer.Name : producer.Output[0]) + "_bnfolded_bias");
        graph.AddInitializer(Tensors.FromFloats(weightName, weight, [.. graph.Initializer(producer.Input[1])!.Dims]));
        graph.AddInitializer(Tensors.FromFloats(biasName, newBias, channels));
        graph.SetInput(producer, 1, weightName);
        if (producer.Input.Count < 3) producer.Input.Add("");
        graph.SetInput(producer, 2, biasName);

        var output = bn.Output[0];
        graph.RemoveNode(bn);
        graph.SetOutput(producer, 0, output);
        return true;
    }

    /// <summary>Conv weights are [M, C/g, k...] (axis 0 is the output channel); ConvTranspose weights are [C, M/g, k...].</summary>
    private static (float[] Weight, float[] RawBias)? FoldConv(OnnxGraph graph, NodeProto conv, float[] factor, int weightChannelAxis)
    {
        if (conv.Input.Count < 2 || !IsFloatConstant(graph, conv.Input[1])) return null;
        var weightTensor = graph.Initializer(conv.Input[1])!;
        var dims = weightTensor.Dims;
        if (dims.Count < 3) return null;
        var group = Attributes.GetInt(conv, "group", 1);
        var outChannels = weightChannelAxis == 0 ? dims[0] : dims[1] * group;
        if (outChannels != factor.Length) return null;
        var rawBias = ReadBias(graph, conv, factor.Length);
        if (rawBias is null) return null;

        var weight = Tensors.ToFloatArray(weightTensor);
        ConvWeights.ScaleOutputChannels(weight, [.. dims], factor, transpose: weightChannelAxis == 1, group);
        return (weight, rawBias);
    }

    /// <summary>Gemm output is [N, M]; the BatchNormalization channel is M. The folded Gemm keeps alpha and uses beta = 1.</summary>
    private static (float[] Weight, float[] RawBias)? FoldGemm(OnnxGraph graph, NodeProto gemm, float[] factor)
    {
        if (!IsFloatConstant(graph, gemm.Input[1]) || Attributes.GetInt(gemm, "transA", 0) != 0) return null;
        var weightTensor = graph.Initializer(gemm.Input[1])!;
        if (weightTensor.Dims.Count != 2) return null;
        var transB = Attributes.GetInt(gemm, "transB", 0) != 0;
        var m = transB ? weightTensor.Dims[0] : weightTensor.Dims[1];
        if (m != factor.Length) return null;

        float[] rawBias;
        if (gemm.Input.Count > 2 && gemm.Input[2].Length > 0)
        {
            if (!IsFloatConstant(graph, gemm.Input[2])) return null;
            var c = graph.Initializer(gemm.Input[2])!;
            var values = Tensors.ToFloatArray(c);
            // Only biases that broadcast per output column: [M], [1, M] or a scalar.
            if (values.Length == 1) values = Enumerable.Repeat(values[0], factor.Length).ToArray();
            else if (values.Length != factor.Length || (c.Dims.Count == 2 && c.Dims[0] != 1)) return null;
            var betaAttr = Attributes.GetFloat(gemm, "beta", 1f);
            rawBias = values.Select(v => v * betaAttr).ToArray();
        }
        else
        {
            rawBias = new float[factor.Length];
        }

        var weight = Tensors.ToFloatArray(weightTensor);
        var cols = weightTensor.Dims[1];
        for (var i = 0; i < weight.Length; i++)
        {
            var outputChannel = transB ? i / cols : i % cols;
            weight[i] *= factor[outputChannel];
        }

        Attributes.Set(gemm, Attributes.Float("beta", 1f));
        return (weight, rawBias);
    }

    private static float[]? ReadBias(OnnxGraph graph, NodeProto node, int channels)
    {
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return new float[channels];
        if (!IsFloatConstant(graph, node.Input[2])) return null;
        var bias = Tensors.ToFloatArray(graph.Initializer(node.Input[2])!);
        return bias.Length == channels ? bias : null;
    }

    private static bool IsFloatConstant(OnnxGraph graph, string name) =>
        graph.IsConstant(name) && graph.Initializer(name)!.DataType == DType.Float;
}
