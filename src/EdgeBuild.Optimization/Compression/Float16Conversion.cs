using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// fp16 conversion with float32 I/O (onnxconverter-common's keep_io_types): float weights become float16 and every
/// float activation is computed in float16, except in nodes on the block list (and nodes named in
/// <c>excludeNodes</c>), which keep float32. Casts are inserted only where the two meet: after each float graph
/// input, before each float graph output, and around blocked nodes; one Cast per value and direction, shared by
/// all readers. If/Loop/Scan nodes and their bodies stay float32. Weights beyond the float16 range (±65504) are clamped, with a note.
/// </summary>
public static class Float16Conversion
{
    public const float MaxHalf = 65504f;

    public sealed record Summary(int ConvertedInitializers, int CastsInserted, int BlockedNodes, long ClampedValues);

    public static Summary Run(ModelProto model, PassContext context, IReadOnlySet<string>? blockList = null, IReadOnlySet<string>? excludeNodes = null)
    {
        blockList ??= Fp16BlockList.Default;
        var graph = new OnnxGraph(model.Graph);

        var types = ElementTypes.Infer(graph);
        bool IsFloat(string value) => value.Length > 0 && types.TryGetValue(value, out var t) && t == DType.Float;
        // Control-flow nodes (If/Loop/Scan) stay float32 with their whole subgraphs: values they read from this graph,
        // explicitly or by name inside a body, are cast back to float32 for them.
        bool Blocked(NodeProto n) => blockList.Contains(n.OpType) || !NodeKind.IsStandard(n) || (excludeNodes?.Contains(n.Name) ?? false)
            || NodeKind.HasSubgraphs(n);

        var nodes = graph.TopologicalOrder().ToList();
        var halfValues = HalfValues(graph, nodes, IsFloat, Blocked);
        var casts = new Float16Casts(graph);

        foreach (var node in nodes)
        {
            var wanted = Blocked(node) ? DType.Float : DType.Float16;
            foreach (var input in graph.InputsOf(node).Distinct(StringComparer.Ordinal).ToList())
            {
                if (!IsFloat(input)) continue;
                var has = halfValues.Contains(input) ? DType.Float16 : DType.Float;
                if (has != wanted) graph.ReplaceUse(node, input, casts.Of(input, wanted));
            }

            if (!Blocked(node)) RetypeAttributes(node, IsFloat);
        }

        var outputCasts = KeepFloatOutputs(graph, halfValues);
        var clamped = ConvertInitializers(graph, halfValues, context);
        foreach (var info in graph.Proto.ValueInfo)
        {
            if (halfValues.Contains(info.Name) && info.Type?.TensorType is { } tensor) tensor.ElemType = DType.Float16;
        }

        graph.SortTopologically();
        var converted = graph.Initializers.Count(t => halfValues.Contains(t.Name));
        var blocked = nodes.Count(Blocked);
        if (blocked > 0)
        {
            var ops = nodes.Where(Blocked).Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal);
            context.Notes.Add($"fp16: {blocked} node(s) kept in float32 with Casts around them ({string.Join(", ", ops)})");
        }

        return new Summary(converted, casts.Count + outputCasts, blocked, clamped);
    }

    /// <summary>
    /// Float values that will hold float16 data: outputs of converted nodes, and constant initializers read by
    /// at least one converted node. Graph inputs stay float32 (the Cast after them is the boundary).
    /// </summary>
    private static HashSet<string> HalfValues(OnnxGraph graph, List<NodeProto> nodes, Func<string, bool> isFloat, Func<NodeProto, bool> blocked)
    {
        var half = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (blocked(node)) continue;
            foreach (var output in node.Output.Where(isFloat)) half.Add(output);
        }

        foreach (var init in graph.Initializers)
        {
            // Constants that are also graph outputs keep their float32 value: the output's type must not change.
            if (!isFloat(init.Name) || !graph.IsConstant(init.Name) || graph.IsGraphOutput(init.Name)) continue;
            if (graph.Consumers(init.Name).Any(n => !blocked(n))) half.Add(init.Name);
        }

        return half;
    }

    /// <summary>Attributes that name the float type of a node's output (Cast's `to`, constant values, dtype) become float16.</summary>
    private static void RetypeAttributes(NodeProto node, Func<string, bool> isFloat)
    {
        if (node.Output.Count == 0 || !isFloat(node.Output[0])) return;
        switch (node.OpType)
        {
            case "Cast":
                Attributes.Set(node, Attributes.Int("to", DType.Float16));
                break;
            case "Constant" or "ConstantOfShape":
                var value = Attributes.Find(node, "value")?.T ?? Tensors.FromFloats("", [0f], 1);
                Attributes.Set(node, Attributes.Tensor("value", ToHalf(value, out _)));
                break;
            case "EyeLike" or "RandomNormal" or "RandomUniform" or "RandomNormalLike" when Attributes.Find(node, "dtype") is not null || node.OpType is "RandomNormal" or "RandomUniform":
                Attributes.Set(node, Attributes.Int("dtype", DType.Float16));
                break;
        }
    }

    /// <summary>A float graph output computed in float16 gets its producer renamed and a Cast back to float32 under the original name.</summary>
    private static int KeepFloatOutputs(OnnxGraph graph, HashSet<string> halfValues)
    {
        var count = 0;
        foreach (var output in graph.Proto.Output.Select(o => o.Name).Distinct(StringComparer.Ordinal).ToList())
        {
            if (!halfValues.Contains(output) || graph.Producer(output) is not { } producer) continue;
            var half = graph.UniqueName(output + "_fp16");
            foreach (var reader in graph.Consumers(output).ToList())
            {
                for (var i = 0; i < reader.Input.Count; i++)
                {
                    if (reader.Input[i] == output) graph.SetInput(reader, i, half);
                }
            }

            graph.SetOutput(producer, producer.Output.IndexOf(output), half);
            halfValues.Remove(output);
            halfValues.Add(half);
            graph.AddNode(new NodeProto { Name = graph.UniqueName(output + "_Cast"), OpType = "Cast", Input = { half }, Output = { output }, Attribute = { Attributes.Int("to", DType.Float) } });
            count++;
        }

        return count;
    }

    private static long ConvertInitializers(OnnxGraph graph, HashSet<string> halfValues, PassContext context)
    {
        long clamped = 0;
        var clampedNames = new List<string>();
        foreach (var init in graph.Initializers.Where(t => halfValues.Contains(t.Name)))
        {
            var half = ToHalf(init, out var n);
            init.DataType = DType.Float16;
            init.FloatData.Clear();
            init.RawData = half.RawData;
            if (n == 0) continue;
            clamped += n;
            clampedNames.Add(init.Name);
        }

        if (clamped > 0)
            context.Notes.Add($"fp16: {clamped} weight value(s) beyond ±{MaxHalf} clamped to the float16 range (in {string.Join(", ", clampedNames.Take(5))}{(clampedNames.Count > 5 ? ", ..." : "")})");
        return clamped;
    }

    /// <summary>Float16 copy of a float tensor, values outside ±65504 clamped (infinities included; NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call per weight: skip tier-0 code for this hot loop
    private static TensorProto ToHalf(TensorProto tensor, out long clamped)
    {
        // Read raw_data in place and wrap the result without a copy: weight-only passes must stream ~150 MB/s.
        ReadOnlySpan<float> values = tensor.DataType == DType.Float && Tensors.TryGetRawSpan<float>(tensor, out var raw) ? raw : Tensors.ToFloatArray(tensor);
        var bytes = new byte[values.Length * 2];
        var halves = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan());
        clamped = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v > MaxHalf || v < -MaxHalf)
            {
                v = Math.Clamp(v, -MaxHalf, MaxHalf);
                clamped++;
            }

            halves[i] = (Half)v;
        }

        var result = new TensorProto { Name = tensor.Name, DataType = DType.Float16, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        result.Dims.AddRange(tensor.Dims);
        return result;
    }
}
