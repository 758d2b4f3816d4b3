using System.Runtime.CompilerServices;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Dynamic int8 for MatMul and Gemm (transformers, RNN projections): weights quantized offline to int8, symmetric,
/// per output column or per tensor; activations quantized at run time. Each node becomes one com.microsoft
/// DynamicQuantizeMatMul, the fused kernel ORT would otherwise reach only by fusing DynamicQuantizeLinear →
/// MatMulInteger → Cast → Mul (→ Add). Conv is never touched: ConvInteger is unoptimized in ORT and slower than
/// float (DESIGN.md); static int8 is the way for CNNs.
/// </summary>
public static class DynamicInt8Quantizer
{
    /// <param name="PerChannel">One scale per output column, else one per tensor.</param>
    /// <param name="ReduceRange">7-bit weights (x64 without VNNI).</param>
    /// <param name="ExcludeNodes">Nodes the user keeps in float.</param>
    /// <param name="MinColumns">
    /// Layers with fewer output columns (N) stay float: each activation value quantized per run feeds N multiply-adds,
    /// so below a few dozen the run-time quantization costs about what the integer product saves (1 for --dynamic: all).
    /// </param>
    public sealed record Options(bool PerChannel = true, bool ReduceRange = false, IReadOnlySet<string>? ExcludeNodes = null, int MinColumns = 1);

    public static int Run(ModelProto model, PassContext context, Options options)
    {
        var graph = new OnnxGraph(model.Graph);
        var converted = 0;
        var skipped = 0;
        var narrow = 0;
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.OpType is not ("MatMul" or "Gemm") || (options.ExcludeNodes?.Contains(node.Name) ?? false)) continue;
            if (LinearLayer.Of(graph, node) is not { } layer)
            {
                skipped++;
                continue;
            }

            if (layer.N < options.MinColumns)
            {
                narrow++;
                continue;
            }

            Replace(graph, layer, options);
            converted++;
        }

        if (converted > 0) Int4MatMulQuantizer.EnsureOpset(model, Int4MatMulQuantizer.MicrosoftDomain, 1);
        context.Notes.Add($"dynamic int8: {converted} MatMul/Gemm node(s) → DynamicQuantizeMatMul ({(options.PerChannel ? "per-column" : "per-tensor")} int8 weights{(options.ReduceRange ? ", 7-bit" : "")})"
            + (skipped > 0 ? $"; {skipped} kept in float (weight not a constant 2-D float, or Gemm with transA / non-vector bias)" : "")
            + (narrow > 0 ? $"; {narrow} left to the next step (fewer than {options.MinColumns} output columns: run-time quantization would cost what the integer product saves)" : ""));
        return converted;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call per weight: skip tier-0 code for the hot loops
    private static void Replace(OnnxGraph graph, LinearLayer layer, Options options)
    {
        var qmax = options.ReduceRange ? 63 : 127;
        var channels = options.PerChannel ? layer.N : 1;
        var scales = new float[channels];
        // Row-major walks over [K, N] (column index = position in the row): contiguous reads, no per-element modulo.
        var w = layer.Weight;
        for (var row = 0; row < layer.K; row++)
        {
            var offset = row * layer.N;
            for (var col = 0; col < layer.N; col++)
            {
                ref var s = ref scales[options.PerChannel ? col : 0];
                s = Math.Max(s, Math.Abs(w[offset + col]));
            }
        }

        for (var c = 0; c < channels; c++) scales[c] = scales[c] == 0 ? 1f : scales[c] / qmax;
        var inverse = Array.ConvertAll(scales, s => 1f / s);
        var quantized = new sbyte[w.Length];
        for (var row = 0; row < layer.K; row++)
        {
            var offset = row * layer.N;
            for (var col = 0; col < layer.N; col++)
            {
                var q = MathF.Round(w[offset + col] * inverse[options.PerChannel ? col : 0]); // ties to even; the overload without a mode is the intrinsic
                quantized[offset + col] = (sbyte)Math.Clamp(q, -qmax, qmax);
            }
        }

        var weightName = layer.Source.Name;
        var qName = graph.UniqueName(weightName + "_q");
        var sName = graph.UniqueName(weightName + "_s");
        graph.AddInitializer(Tensors.FromInt8s(qName, quantized, layer.K, layer.N));
        graph.AddInitializer(options.PerChannel ? Tensors.FromFloats(sName, scales, layer.N) : Tensors.FromFloats(sName, scales));
        var replacement = new NodeProto { Name = layer.Node.Name, OpType = "DynamicQuantizeMatMul", Domain = Int4MatMulQuantizer.MicrosoftDomain, Input = { layer.Input, qName, sName } };
        if (layer.Bias is { } bias)
        {
            var bName = graph.UniqueName(weightName + "_bias");
            graph.AddInitializer(Tensors.FromFloats(bName, bias, layer.N));
            // b_zero_point is optional and 0 for symmetric weights: leave it empty.
            replacement.Input.Add("");
            replacement.Input.Add(bName);
        }

        layer.ReplaceWith(graph, replacement);
    }
}
