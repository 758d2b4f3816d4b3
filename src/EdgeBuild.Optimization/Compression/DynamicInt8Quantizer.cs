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
    public sealed record Options(bool PerChannel = true, bool ReduceRange = false, IReadOnlySet<string>? ExcludeNodes = null);

    public static int Run(ModelProto model, PassContext context, Options options)
    {
        var graph = new OnnxGraph(model.Graph);
        var converted = 0;
        var skipped = new List<string>();
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.Domain is not ("" or "ai.onnx") || (options.ExcludeNodes?.Contains(node.Name) ?? false)) continue;
            var plan = node.OpType switch
            {
                "MatMul" => MatMulPlan(graph, node),
                "Gemm" => GemmPlan(graph, node),
                _ => null,
            };
            if (plan is null)
            {
                if (node.OpType is "MatMul" or "Gemm") skipped.Add(node.Name);
                continue;
            }

            Replace(graph, node, plan, options);
            converted++;
        }

        if (converted > 0) Int4MatMulQuantizer.EnsureOpset(model, Int4MatMulQuantizer.MicrosoftDomain, 1);
        context.Notes.Add($"dynamic int8: {converted} MatMul/Gemm node(s) → DynamicQuantizeMatMul ({(options.PerChannel ? "per-column" : "per-tensor")} int8 weights{(options.ReduceRange ? ", 7-bit" : "")})"
            + (skipped.Count > 0 ? $"; {skipped.Count} kept in float (weight not a constant 2-D float, or Gemm with transA / non-vector bias)" : ""));
        return converted;
    }

    /// <summary>
    /// What one node computes: A · W + bias [N], W as [K, N]. <c>Weight</c> is set when W had to be rewritten (Gemm's
    /// transB or alpha); otherwise W is read in place from <c>Source</c>.
    /// </summary>
    private sealed record Plan(string Input, TensorProto Source, float[]? Weight, int K, int N, float[]? Bias, string WeightName);

    private static Plan? MatMulPlan(OnnxGraph graph, NodeProto node)
    {
        var w = ConstantFloat(graph, node.Input[1]);
        if (w is null || w.Dims.Count != 2 || graph.ValueInfo(node.Input[0])?.Type?.TensorType?.Shape?.Dim.Count == 1) return null;
        return new Plan(node.Input[0], w, null, (int)w.Dims[0], (int)w.Dims[1], null, w.Name);
    }

    private static Plan? GemmPlan(OnnxGraph graph, NodeProto node)
    {
        var w = ConstantFloat(graph, node.Input[1]);
        if (w is null || w.Dims.Count != 2 || Attributes.GetInt(node, "transA", 0) != 0) return null;
        var alpha = Attributes.GetFloat(node, "alpha", 1f);
        var beta = Attributes.GetFloat(node, "beta", 1f);
        float[]? values = null;
        int k = (int)w.Dims[0], n = (int)w.Dims[1];
        if (Attributes.GetInt(node, "transB", 0) != 0)
        {
            (k, n) = (n, k);
            values = Transpose(Tensors.ToFloatArray(w), n, k);
        }

        if (alpha != 1f) values = Array.ConvertAll(values ?? Tensors.ToFloatArray(w), v => v * alpha);
        float[]? bias = null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            var c = ConstantFloat(graph, node.Input[2]);
            if (c is null) return null;
            var cv = Tensors.ToFloatArray(c);
            // A bias that varies per row (C of shape [M, N]) does not fit DynamicQuantizeMatMul's [N] bias.
            if (cv.Length == 1) bias = Enumerable.Repeat(cv[0] * beta, n).ToArray();
            else if (cv.Length == n && c.Dims.Count <= 2 && (c.Dims.Count < 2 || c.Dims[0] == 1)) bias = Array.ConvertAll(cv, v => v * beta);
            else return null;
        }

        return new Plan(node.Input[0], w, values, k, n, bias, w.Name);
    }

    private static TensorProto? ConstantFloat(OnnxGraph graph, string name) =>
        graph.IsConstant(name) && graph.Initializer(name) is { DataType: DType.Float } t ? t : null;

    /// <summary>[rows, cols] → [cols, rows].</summary>
    private static float[] Transpose(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++) result[c * rows + r] = values[r * cols + c];
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call per weight: skip tier-0 code for the hot loops
    private static void Replace(OnnxGraph graph, NodeProto node, Plan plan, DynamicInt8Quantizer.Options options)
    {
        var qmax = options.ReduceRange ? 63 : 127;
        var channels = options.PerChannel ? plan.N : 1;
        var scales = new float[channels];
        // Row-major walks over [K, N] (column index = position in the row): contiguous reads, no per-element modulo.
        ReadOnlySpan<float> w = plan.Weight ?? (Tensors.TryGetRawSpan<float>(plan.Source, out var raw) ? raw : Tensors.ToFloatArray(plan.Source));
        for (var row = 0; row < plan.K; row++)
        {
            var offset = row * plan.N;
            for (var col = 0; col < plan.N; col++)
            {
                ref var s = ref scales[options.PerChannel ? col : 0];
                s = Math.Max(s, Math.Abs(w[offset + col]));
            }
        }

        for (var c = 0; c < channels; c++) scales[c] = scales[c] == 0 ? 1f : scales[c] / qmax;
        var inverse = Array.ConvertAll(scales, s => 1f / s);
        var quantized = new sbyte[w.Length];
        for (var row = 0; row < plan.K; row++)
        {
            var offset = row * plan.N;
            for (var col = 0; col < plan.N; col++)
            {
                var q = MathF.Round(w[offset + col] * inverse[options.PerChannel ? col : 0]); // ties to even; the overload without a mode is the intrinsic
                quantized[offset + col] = (sbyte)Math.Clamp(q, -qmax, qmax);
            }
        }

        var qName = graph.UniqueName(plan.WeightName + "_q");
        var sName = graph.UniqueName(plan.WeightName + "_s");
        graph.AddInitializer(Tensors.FromInt8s(qName, quantized, plan.K, plan.N));
        graph.AddInitializer(options.PerChannel ? Tensors.FromFloats(sName, scales, plan.N) : Tensors.FromFloats(sName, scales));
        var replacement = new NodeProto { Name = node.Name, OpType = "DynamicQuantizeMatMul", Domain = Int4MatMulQuantizer.MicrosoftDomain, Input = { plan.Input, qName, sName } };
        if (plan.Bias is { } bias)
        {
            var bName = graph.UniqueName(plan.WeightName + "_bias");
            graph.AddInitializer(Tensors.FromFloats(bName, bias, plan.N));
            // b_zero_point is optional and 0 for symmetric weights: leave it empty.
            replacement.Input.Add("");
            replacement.Input.Add(bName);
        }

        var oldInputs = node.Input.ToList();
        var index = graph.IndexOf(node);
        graph.RemoveNode(node);
        replacement.Output.Add(node.Output[0]);
        graph.InsertNode(index, replacement);
        foreach (var name in oldInputs.Skip(1).Where(i => i.Length > 0).Distinct())
        {
            if (graph.Consumers(name).Count == 0 && graph.IsConstant(name)) graph.RemoveInitializer(name);
        }
    }
}
