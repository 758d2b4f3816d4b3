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
    /// <param name="MseClip">Per channel, the clip of <see cref="SymmetricWeights.Int8"/> that minimises the rounding error.</param>
    /// <param name="Int16Share">The smallest weights, together at most this share of all compressed weight values, are int16, not int8 (0: none).</param>
    /// <param name="ExcludeNodes">Node names whose weights stay float (a weight shared with such a node too).</param>
    /// <param name="ExcludeTensors">Weight names that stay float.</param>
    /// <param name="OnlyNodes">When set, only the weights every reader of which is one of these nodes (the accuracy fallback's float nodes).</param>
    public sealed record Options(int MinElements = 512, bool MseClip = false, IReadOnlySet<string>? ExcludeNodes = null, IReadOnlySet<string>? ExcludeTensors = null, double Int16Share = 0,
        IReadOnlySet<string>? OnlyNodes = null);

    /// <summary>What was compressed: tensor count (of which inside bodies, float16, int16), their float32 bytes before and bytes after.</summary>
    public sealed record Result(int Tensors, int InSubgraphs, int Float16, long BytesBefore, long BytesAfter, int Int16 = 0);

    public static Result Run(ModelProto model, Options options)
    {
        var scopes = GraphScopes.Build(model.Graph);
        var views = new Dictionary<GraphProto, OnnxGraph>(ReferenceEqualityComparer.Instance);
        var logInputs = new LogCompressedOutputs();
        int tensors = 0, inBodies = 0, halves = 0, shorts = 0;
        long before = 0, after = 0;
        var weights = scopes.Definitions.Select(d => (Definition: d, Axes: ChannelAxes(scopes, d, options))).Where(w => w.Axes is not null).ToList();
        var int16 = SmallestShare(weights.Select(w => w.Definition), options.Int16Share);
        foreach (var (definition, channelAxes) in weights)
        {
            var axes = channelAxes!;
            var view = views.TryGetValue(definition.Graph, out var v) ? v : views[definition.Graph] = new OnnxGraph(definition.Graph);
            if (scopes.ReadsOf(definition).Any(r => r.Node is not null && logInputs.FeedsLog(r.Graph, r.Node)))
            {
                after += RewriteAsFloat16(scopes, view, definition);
                halves++;
            }
            else if (int16.Contains(definition))
            {
                after += RewriteAsInt16(scopes, view, definition, axes);
                shorts++;
            }
            else
            {
                after += Rewrite(scopes, view, definition, axes, options.MseClip);
            }

            before += Tensors.ElementCount(definition.Tensor) * sizeof(float);
            tensors++;
            if (definition.Depth > 0) inBodies++;
        }

        return new Result(tensors, inBodies, halves, before, after, shorts);
    }

    /// <summary>
    /// The smallest weights (fewest values, then name) whose values together stay within <paramref name="share"/> of all
    /// of them: early layers are small and the network amplifies their rounding most, so 16 bits there buy the most
    /// accuracy per byte. A share, not a size: a model of only small weights would otherwise get no int8 at all.
    /// </summary>
    private static HashSet<GraphScopes.Definition> SmallestShare(IEnumerable<GraphScopes.Definition> weights, double share)
    {
        var ordered = weights.OrderBy(d => Tensors.ElementCount(d.Tensor)).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
        var budget = share * ordered.Sum(d => Tensors.ElementCount(d.Tensor));
        var chosen = new HashSet<GraphScopes.Definition>(ReferenceEqualityComparer.Instance);
        long used = 0;
        foreach (var d in ordered)
        {
            used += Tensors.ElementCount(d.Tensor);
            if (used > budget) break;
            chosen.Add(d);
        }

        return chosen;
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
            if (read.Node is null || (options.ExcludeNodes?.Contains(read.Node.Name) ?? false) || !(options.OnlyNodes?.Contains(read.Node.Name) ?? true)) return null;
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

    /// <summary>
    /// int16 per channel, Cast→Mul like int8 (ORT folds it at load): for small weights, whose bytes hardly matter and
    /// whose 8-bit rounding the network amplifies most (early layers are small: on the PP-OCRv4 detector, int8 on one
    /// early 48×48 pointwise conv alone costs the probability map 22.8 dB).
    /// </summary>
    private static long RewriteAsInt16(GraphScopes scopes, OnnxGraph graph, GraphScopes.Definition definition, int[] axes)
    {
        var (quantized, scales) = SymmetricWeights.Int16(Tensors.ToFloatArray(definition.Tensor), definition.Tensor.Dims, axes);
        return ReplaceByCastMul(scopes, graph, definition, axes, "int16", name => Tensors.FromInt16s(name, quantized, [.. definition.Tensor.Dims]), scales)
            + quantized.Length * sizeof(short);
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
        var (quantized, scales) = SymmetricWeights.Int8(Tensors.ToFloatArray(definition.Tensor), definition.Tensor.Dims, axes, mseClip);
        return ReplaceByCastMul(scopes, graph, definition, axes, "int8", name => Tensors.FromInt8s(name, quantized, [.. definition.Tensor.Dims]), scales)
            + quantized.Length;
    }

    /// <summary>
    /// Swaps the constant's definition for the integer tensor (named NAME_<paramref name="type"/>), its per-channel scales
    /// and Cast→Mul writing the original name, so every reader is unchanged; returns the scales' bytes.
    /// </summary>
    private static long ReplaceByCastMul(GraphScopes scopes, OnnxGraph graph, GraphScopes.Definition definition, int[] axes, string type,
        Func<string, TensorProto> quantized, float[] scales)
    {
        var qName = scopes.UniqueName($"{definition.Name}_{type}");
        var sName = scopes.UniqueName(definition.Name + "_scale");
        var castName = scopes.UniqueName($"{definition.Name}_{type}_f");
        var dims = definition.Tensor.Dims.ToArray();
        var index = Detach(graph, definition);
        graph.AddInitializer(quantized(qName));
        graph.AddInitializer(Tensors.FromFloats(sName, scales, CastMulWeight.BroadcastDims(dims, axes)));
        CastMulWeight.Insert(graph, index, qName, sName, castName, definition.Name);
        return scales.Length * sizeof(float);
    }
}
