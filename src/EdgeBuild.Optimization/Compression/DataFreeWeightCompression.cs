using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Quantization;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// The data-free default: float weights of Conv, ConvTranspose, MatMul, Gemm, LSTM/GRU/RNN and embedding tables (Gather on a
/// constant [rows, width] table) become int8 with a symmetric scale per output channel, written as Cast→Mul
/// (<see cref="CastMulWeight"/>): ONNX Runtime folds them back to float at load and pre-packs, so the ops run their float
/// kernels (latency of float32) from a file about a quarter the size. No sample is needed. Reaches into If/Loop/Scan bodies:
/// a weight is rewritten in the graph that defines it (an initializer or a Constant node, in the main graph or a body), so
/// its readers, in that graph or in nested bodies, read the same name as before.
/// </summary>
public static class DataFreeWeightCompression
{
    /// <param name="MinElements">Smaller weights stay float (bytes they would save are noise; rounding them costs accuracy).</param>
    /// <param name="MseClip">Per channel, the clip of <see cref="SymmetricInt8"/> that minimises the rounding error.</param>
    /// <param name="ExcludeNodes">Node names whose weights stay float (a weight shared with such a node too).</param>
    /// <param name="ExcludeTensors">Weight names that stay float.</param>
    public sealed record Options(int MinElements = 512, bool MseClip = false, IReadOnlySet<string>? ExcludeNodes = null, IReadOnlySet<string>? ExcludeTensors = null);

    /// <summary>What was compressed: tensor count (of which inside bodies, of which float16), their float32 bytes before and bytes after.</summary>
    public sealed record Result(int Tensors, int InSubgraphs, int Float16, long BytesBefore, long BytesAfter);

    public static Result Run(ModelProto model, Options options)
    {
        var scopes = GraphScopes.Build(model.Graph);
        var views = new Dictionary<GraphProto, OnnxGraph>(ReferenceEqualityComparer.Instance);
        var logInputs = new LogCompressedOutputs();
        int tensors = 0, inBodies = 0, halves = 0;
        long before = 0, after = 0;
        foreach (var definition in scopes.Definitions)
        {
            if (ChannelAxes(scopes, definition, options) is not { } axes) continue;
            var view = views.TryGetValue(definition.Graph, out var v) ? v : views[definition.Graph] = new OnnxGraph(definition.Graph);
            if (scopes.ReadsOf(definition).Any(r => r.Node is not null && logInputs.FeedsLog(r.Graph, r.Node)))
            {
                after += RewriteAsFloat16(scopes, view, definition);
                halves++;
            }
            else
            {
                after += Rewrite(scopes, view, definition, axes, options.MseClip);
            }

            before += Tensors.ElementCount(definition.Tensor) * sizeof(float);
            tensors++;
            if (definition.Depth > 0) inBodies++;
        }

        return new Result(tensors, inBodies, halves, before, after);
    }

    /// <summary>The channel axes when every reader of the constant reads it as a weight with the same axes; else null (left float).</summary>
    internal static int[]? ChannelAxes(GraphScopes scopes, GraphScopes.Definition definition, Options options)
    {
        var tensor = definition.Tensor;
        if (tensor.DataType != DType.Float || !Tensors.IsStoredInline(tensor) || Tensors.ElementCount(tensor) < options.MinElements) return null;
        if (options.ExcludeTensors?.Contains(definition.Name) ?? false) return null;
        var reads = scopes.ReadsOf(definition);
        if (reads.Count == 0) return null;
        int[]? axes = null;
        foreach (var read in reads)
        {
            if (read.Node is null || (options.ExcludeNodes?.Contains(read.Node.Name) ?? false)) return null;
            if (WeightSlots.ChannelAxes(read.Node, read.Input, tensor.Dims.Count) is { } a)
            {
                if (axes is not null && !axes.SequenceEqual(a)) return null;
                axes = a;
            }
            else if (!WeightSlots.IsLayoutRead(read.Node, read.Input))
            {
                return null;
            }
        }

        // Read only through layout ops (an exporter slicing an LSTM's weights into gates, say): a scale per row.
        return axes ?? (tensor.Dims.Count >= 2 ? [0] : null);
    }

    /// <summary>
    /// float16 weights (Cast to float, folded by ORT at load) for the weights <see cref="LogCompressedOutputs"/> finds
    /// sensitive: half the bytes, 11 significant bits instead of int8's 8 per channel.
    /// </summary>
    private static long RewriteAsFloat16(GraphScopes scopes, OnnxGraph graph, GraphScopes.Definition definition)
    {
        var values = Tensors.ToFloatArray(definition.Tensor);
        var dims = definition.Tensor.Dims.ToArray();
        var hName = scopes.UniqueName(definition.Name + "_fp16");
        var index = Detach(graph, definition);
        graph.AddInitializer(Tensors.FromHalfs(hName, Array.ConvertAll(values, v => (Half)v), dims));
        graph.InsertNode(index, new NodeProto { OpType = "Cast", Input = { hName }, Output = { definition.Name }, Attribute = { Attributes.Int("to", DType.Float) } });
        return values.Length * 2L;
    }

    /// <summary>Removes the constant's definition (initializer or Constant node); returns where its replacement nodes go.</summary>
    private static int Detach(OnnxGraph graph, GraphScopes.Definition definition)
    {
        if (definition.ConstantNode is { } constant)
        {
            var index = graph.IndexOf(constant);
            graph.RemoveNode(constant);
            return index;
        }

        graph.RemoveInitializer(definition.Name);
        return 0;
    }

    /// <summary>Replaces the float constant by int8 + scale initializers and Cast→Mul writing its name; returns the bytes stored.</summary>
    private static long Rewrite(GraphScopes scopes, OnnxGraph graph, GraphScopes.Definition definition, int[] axes, bool mseClip)
    {
        var tensor = definition.Tensor;
        var dims = tensor.Dims.ToArray();
        var (quantized, scales) = SymmetricInt8.Quantize(Tensors.ToFloatArray(tensor), dims, axes, mseClip);
        var qName = scopes.UniqueName(definition.Name + "_int8");
        var sName = scopes.UniqueName(definition.Name + "_scale");
        var castName = scopes.UniqueName(definition.Name + "_int8_f");
        var index = Detach(graph, definition);
        graph.AddInitializer(Tensors.FromInt8s(qName, quantized, dims));
        graph.AddInitializer(Tensors.FromFloats(sName, scales, CastMulWeight.BroadcastDims(dims, axes)));
        CastMulWeight.Insert(graph, index, qName, sName, castName, definition.Name);
        return quantized.Length + scales.Length * sizeof(float);
    }
}
