using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// A model that stores its weights as float16 (and usually computes in float16 too: onnxconverter-common's output,
/// float32 in → Cast → fp16 graph → Cast → float32 out) becomes the same network in float32, so the int8 passes see
/// its weights and activations at all: they quantize float32 values only, and left alone such a model came out at
/// 1.00x (ISNet's fp16 file, EDGE0220). Every float16 initializer and Constant of the main graph widens to float32
/// (exact: every float16 value is a float32 value), values computed in float16 are computed in float32, Casts to
/// float16 become Casts to float32, and Casts that then convert float32 to float32 are removed. The model's inputs and
/// outputs keep their types (a float16 input or output gets a Cast at the boundary), and so do control-flow nodes and
/// their bodies and custom-domain nodes (they get Casts back to float16 around them).
/// Only the activations' float16 rounding between layers disappears: the float32 model is the fp16 one without it.
/// </summary>
public static class Float16Widening
{
    /// <summary>What a model stores as float16 in its main graph: initializers and Constant tensors, and their values.</summary>
    public sealed record Survey(int Tensors, long Values, bool ComputesInFloat16)
    {
        public bool Any => Tensors > 0 || ComputesInFloat16;
    }

    /// <summary>
    /// What widening did: tensors widened and their element count, Casts removed (now float32 → float32), Casts added at the
    /// boundaries, and how many named values of the graph are float32 now (the widened weights and what the graph computes).
    /// </summary>
    public sealed record Summary(int WidenedTensors, long WidenedValues, int CastsRemoved, int CastsAdded, int Float32Names)
    {
        /// <summary>The initializers now float32 that were float16 (what <see cref="NarrowBack"/> may return to float16).</summary>
        public IReadOnlySet<string> Initializers { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    }

    public static Survey Inspect(ModelProto model)
    {
        var graph = model.Graph;
        var tensors = graph.Initializer.Where(t => t.DataType == DType.Float16)
            .Concat(graph.Node.Where(IsConstant).Select(n => Attributes.Find(n, "value")?.T).OfType<TensorProto>().Where(t => t.DataType == DType.Float16))
            .ToList();
        var computes = graph.ValueInfo.Any(v => v.Type?.TensorType?.ElemType == DType.Float16)
            || graph.Node.Any(n => n.OpType == "Cast" && NodeKind.IsStandard(n) && Attributes.GetInt(n, "to", 0) == DType.Float16);
        return new Survey(tensors.Count, tensors.Sum(Tensors.ElementCount), computes);
    }

    public static Summary Run(ModelProto model, PassContext context)
    {
        var graph = new OnnxGraph(model.Graph);
        var types = ElementTypes.Infer(graph);
        bool Half(string value) => value.Length > 0 && types.TryGetValue(value, out var t) && t == DType.Float16;
        var nodes = graph.TopologicalOrder().ToList();

        // Values that become float32: float16 constants and what the graph's own standard nodes compute in float16.
        var widened = new HashSet<string>(StringComparer.Ordinal);
        foreach (var init in graph.Initializers)
        {
            // An initializer that is also a graph input or output is part of the signature: it keeps its type.
            if (init.DataType == DType.Float16 && graph.IsConstant(init.Name) && !graph.IsGraphOutput(init.Name)) widened.Add(init.Name);
        }

        foreach (var node in nodes.Where(n => !Kept(n)))
        {
            foreach (var output in node.Output.Where(Half)) widened.Add(output);
        }

        var casts = new Float16Casts(graph);

        // Boundaries in: float16 graph inputs and float16 outputs of kept nodes are cast to float32 for the widened readers.
        var halfSources = graph.Proto.Input.Select(i => i.Name).Where(i => graph.IsGraphInput(i) && Half(i))
            .Concat(nodes.Where(Kept).SelectMany(n => n.Output).Where(Half)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var value in halfSources)
        {
            foreach (var reader in graph.Consumers(value).Where(r => !Kept(r)).ToList()) graph.ReplaceUse(reader, value, casts.Of(value, DType.Float));
        }

        // Boundaries out: kept nodes (explicitly or inside their bodies) read a float16 copy of a widened value.
        foreach (var value in widened.ToList())
        {
            foreach (var reader in graph.Consumers(value).Where(Kept).ToList()) graph.ReplaceUse(reader, value, casts.Of(value, DType.Float16));
        }

        // A widened graph output keeps its name and float16 type: its producer writes a float32 copy, cast back.
        var outputCasts = 0;
        foreach (var output in graph.Proto.Output.Select(o => o.Name).Where(widened.Contains).Distinct(StringComparer.Ordinal).ToList())
        {
            if (graph.Producer(output) is not { } producer) continue;
            var wide = graph.UniqueName(output + "_fp32");
            foreach (var reader in graph.Consumers(output).ToList()) graph.ReplaceUse(reader, output, wide);
            graph.SetOutput(producer, producer.Output.IndexOf(output), wide);
            widened.Remove(output);
            widened.Add(wide);
            graph.AddNode(new NodeProto { Name = graph.UniqueName(output + "_Cast"), OpType = "Cast", Input = { wide }, Output = { output }, Attribute = { Attributes.Int("to", DType.Float16) } });
            outputCasts++;
        }

        var (tensorsWidened, valuesWidened) = (0, 0L);
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var init in graph.Initializers.Where(t => widened.Contains(t.Name)).ToList())
        {
            WidenInPlace(init);
            initializers.Add(init.Name);
            tensorsWidened++;
            valuesWidened += Tensors.ElementCount(init);
        }

        // The graph's own nodes: float16 in their attributes becomes float32; Casts to float32 of float32 values go.
        bool IsFloat32Now(string value) => widened.Contains(value) || casts.IsFloat32Copy(value) || (types.TryGetValue(value, out var t) && t == DType.Float);
        var castsRemoved = 0;
        foreach (var node in nodes.Where(n => !Kept(n)))
        {
            switch (node.OpType)
            {
                case "Cast" when Attributes.GetInt(node, "to", 0) is DType.Float16 or DType.Float:
                    if (IsFloat32Now(node.Input[0]))
                    {
                        node.OpType = "Identity";
                        node.Attribute.Clear();
                        castsRemoved++;
                    }
                    else
                    {
                        Attributes.Set(node, Attributes.Int("to", DType.Float));
                    }

                    break;
                case "Constant" or "ConstantOfShape" when Attributes.Find(node, "value")?.T is { DataType: DType.Float16 } t:
                    WidenInPlace(t);
                    initializers.Add(node.Output[0]); // the cleanup makes a Constant an initializer of that name
                    tensorsWidened++;
                    valuesWidened += Tensors.ElementCount(t);
                    break;
                case "EyeLike" or "RandomNormal" or "RandomUniform" or "RandomNormalLike" or "RandomUniformLike"
                    when Attributes.Find(node, "dtype") is { I: DType.Float16 }:
                    Attributes.Set(node, Attributes.Int("dtype", DType.Float));
                    break;
            }
        }

        foreach (var info in graph.Proto.ValueInfo)
        {
            if (widened.Contains(info.Name) && info.Type?.TensorType is { } tensor) tensor.ElemType = DType.Float;
        }

        // The Casts made Identity, and the constants only they read, go with the usual (exact) cleanup.
        CleanupPipeline.Run(graph, context);
        return new Summary(tensorsWidened, valuesWidened, castsRemoved, casts.Count + outputCasts, widened.Count) { Initializers = initializers };
    }

    /// <summary>
    /// After quantization: the widened weights still float32 (kept float by the accuracy fallback, too small to quantize,
    /// read by ops no int8 pass handles) go back to float16 storage, read through a Cast to float that ONNX Runtime folds
    /// at load, so nothing the source stored in two bytes costs four. Only tensors whose every value is still exactly a
    /// float16 value (a pass may have rewritten one in place); exact, so the verified figures stay the model's.
    /// </summary>
    /// <returns>How many tensors went back to float16 and the bytes that saved.</returns>
    public static (int Tensors, long BytesSaved) NarrowBack(ModelProto model, IReadOnlySet<string> widened)
    {
        var graph = new OnnxGraph(model.Graph);
        var (count, saved) = (0, 0L);
        foreach (var init in graph.Initializers.Where(t => widened.Contains(t.Name) && t.DataType == DType.Float).ToList())
        {
            if (!graph.IsConstant(init.Name) || graph.IsGraphOutput(init.Name) || Tensors.ElementCount(init) < MinNarrowedElements) continue;
            var values = Tensors.ToFloatArray(init);
            var halves = new Half[values.Length];
            var exact = true;
            for (var i = 0; i < values.Length && exact; i++)
            {
                halves[i] = (Half)values[i];
                exact = (float)halves[i] == values[i] || (float.IsNaN(values[i]) && Half.IsNaN(halves[i]));
            }

            if (!exact) continue;
            var name = init.Name;
            var half = graph.UniqueName(name + "_fp16");
            graph.RemoveInitializer(name);
            graph.AddInitializer(Tensors.FromHalfs(half, halves, [.. init.Dims]));
            graph.InsertNode(0, new NodeProto { Name = graph.UniqueName(name + "_Cast"), OpType = "Cast", Input = { half }, Output = { name }, Attribute = { Attributes.Int("to", DType.Float) } });
            count++;
            saved += values.Length * 2L;
        }

        return (count, saved);
    }

    /// <summary>Below this a Cast node's own bytes eat most of what float16 storage saves.</summary>
    private const int MinNarrowedElements = 64;

    /// <summary>
    /// Nodes left as they are, with float16 Casts around them: control flow (its bodies are typed graphs of their own)
    /// and custom domains (their kernels may exist for float16 only).
    /// </summary>
    private static bool Kept(NodeProto node) =>
        !NodeKind.IsStandard(node) || NodeKind.HasSubgraphs(node);

    private static bool IsConstant(NodeProto node) => node.OpType is "Constant" or "ConstantOfShape" && NodeKind.IsStandard(node);

    /// <summary>float16 → float32 in place, name and dims kept; exact.</summary>
    private static void WidenInPlace(TensorProto tensor)
    {
        var values = Tensors.ToFloatArray(tensor);
        var wide = Tensors.FromFloats(tensor.Name, values, [.. tensor.Dims]);
        tensor.DataType = DType.Float;
        tensor.Int32Data.Clear(); // float16 stored outside raw_data lives in int32_data
        tensor.RawData = wide.RawData;
    }
}
