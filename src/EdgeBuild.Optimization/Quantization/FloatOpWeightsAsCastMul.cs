using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Rewrites DequantizeLinear(int8 weight, scale) as Mul(Cast(weight, float), scale) (<see cref="CastMulWeight"/>) where only float ops read it (the
/// accuracy fallback's nodes computed in float on int8 weights). The same int8 bytes plus a node, bit-identical weight
/// values (DequantizeLinear with zero point 0 is float(q)·scale, one IEEE multiply, as Cast then Mul), but ONNX Runtime
/// constant-folds Cast and Mul at load while its constant folding skips DequantizeLinear (to keep QDQ groups for fusion):
/// with DQ each float Conv gets its weights as a run-time tensor and cannot pre-pack them. Measured on the PP-OCR
/// detector at 30 dB: 1.08× fp32 latency with DequantizeLinear, 0.80× with the weights folded (outputs 91 dB apart:
/// the pre-packed kernels sum in another order; SQNR vs float32 the same to 3 decimals).
/// Runs last: EdgeBuild's own constant folding would fold the pair back into float32 weights.
/// </summary>
internal static class FloatOpWeightsAsCastMul
{
    /// <summary>
    /// The bytes of <paramref name="model"/> as the write step will have them (a rewritten copy): what every accuracy
    /// judgement during the build measures (<see cref="Verification.AccuracyBudget.CompareAsWritten"/> says why) and what
    /// the body-activation speed check times.
    /// </summary>
    public static byte[] AsWritten(ModelProto model)
    {
        var copy = model.Clone();
        return RunAll(copy) == 0 ? Google.Protobuf.MessageExtensions.ToByteArray(model) : Google.Protobuf.MessageExtensions.ToByteArray(copy);
    }

    /// <summary>The main graph and every If/Loop/Scan body (a body's weights are DequantizeLinear'd inside it, see BodyConstants).</summary>
    public static int RunAll(ModelProto model)
    {
        var bodies = ControlFlowBodies.All(model.Graph);
        if (bodies.Count == 0) return Run(new OnnxGraph(model.Graph));
        var rewritten = Run(ControlFlowBodies.View(model.Graph, model.Graph));
        foreach (var body in bodies)
        {
            var view = ControlFlowBodies.View(body.Graph, model.Graph);
            var n = Run(view);
            if (n > 0) view.SortTopologically();
            rewritten += n;
        }

        return rewritten;
    }

    public static int Run(OnnxGraph graph)
    {
        var rewritten = 0;
        foreach (var dq in graph.Nodes.Where(n => n.OpType == "DequantizeLinear").ToList())
        {
            if (dq.Input.Count > 2 && dq.Input[2].Length > 0) continue; // a zero point: not a plain product
            if (graph.Initializer(dq.Input[0]) is not { DataType: DType.Int8 } weight || graph.Initializer(dq.Input[1]) is not { } scale) continue;
            var readers = graph.Consumers(dq.Output[0]);
            if (readers.Count == 0 || graph.IsGraphOutput(dq.Output[0]) || !readers.All(r => ReadsFloatActivations(graph, r))) continue;

            var scaleName = BroadcastScale(graph, dq, weight, scale);
            if (scaleName is null) continue;
            var cast = graph.UniqueName(dq.Input[0] + "_f");
            var index = graph.IndexOf(dq);
            var (quantized, oldScale, output) = (dq.Input[0], dq.Input[1], dq.Output[0]);
            graph.RemoveNode(dq);
            CastMulWeight.Insert(graph, index, quantized, scaleName, cast, output);
            if (oldScale != scaleName && graph.Consumers(oldScale).Count == 0 && !graph.IsGraphOutput(oldScale)) graph.RemoveInitializer(oldScale);
            rewritten++;
        }

        return rewritten;
    }

    /// <summary>A float op none of whose inputs is a dequantized activation (so no QDQ fusion is lost).</summary>
    private static bool ReadsFloatActivations(OnnxGraph graph, NodeProto node) =>
        node.OpType is "Conv" or "MatMul" or "Gemm"
        && node.Input.Where(i => i.Length > 0 && !graph.IsInitializer(i)).All(i => graph.Producer(i) is not { OpType: "DequantizeLinear" } p || graph.IsInitializer(p.Input[0]));

    /// <summary>The scale shaped to broadcast against the weight: per-tensor as is, per-channel [C] as [1.., C, 1..].</summary>
    private static string? BroadcastScale(OnnxGraph graph, NodeProto dq, TensorProto weight, TensorProto scale)
    {
        if (scale.Dims.Count == 0) return dq.Input[1];
        if (scale.Dims.Count != 1 || weight.Dims.Count == 0) return null;
        var axis = (int)Attributes.GetInt(dq, "axis", 1);
        if (axis < 0) axis += weight.Dims.Count;
        if (axis < 0 || axis >= weight.Dims.Count || weight.Dims[axis] != scale.Dims[0]) return null;
        if (axis == weight.Dims.Count - 1) return dq.Input[1]; // trailing axis: [C] already broadcasts
        var dims = CastMulWeight.BroadcastDims(weight.Dims, [axis]);
        var name = graph.UniqueName(dq.Input[1] + "_b");
        graph.AddInitializer(Tensors.FromFloats(name, Tensors.ToFloatArray(scale), dims));
        return name;
    }
}
