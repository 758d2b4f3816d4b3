using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// A MatMul or Gemm with a constant float weight, seen as A · W + bias with W as [K, N]: the shape the weight-quantizing
/// passes (int4 MatMulNBits, dynamic int8) rewrite. Gemm's transB and alpha are folded into a rewritten weight and
/// beta·C into a [N] bias; Gemm with transA, or with a C that varies per row, is not a linear layer in this sense.
/// </summary>
internal sealed record LinearLayer(NodeProto Node, string Input, TensorProto Source, float[]? RewrittenWeight, int K, int N, float[]? Bias)
{
    /// <summary>W as row-major [K, N]; read in place from the initializer's raw_data when it needed no rewrite.</summary>
    public ReadOnlySpan<float> Weight =>
        RewrittenWeight ?? (Tensors.TryGetRawSpan<float>(Source, out var raw) ? raw : Tensors.ToFloatArray(Source));

    public static LinearLayer? Of(OnnxGraph graph, NodeProto node)
    {
        if (!NodeKind.IsStandard(node)) return null;
        return node.OpType switch
        {
            "MatMul" => OfMatMul(graph, node),
            "Gemm" => OfGemm(graph, node),
            _ => null,
        };
    }

    /// <summary>Puts <paramref name="replacement"/> where the layer's node was (same output) and drops initializers nothing reads any more.</summary>
    public void ReplaceWith(OnnxGraph graph, NodeProto replacement)
    {
        var oldInputs = Node.Input.Skip(1).Where(i => i.Length > 0).Distinct().ToList();
        var index = graph.IndexOf(Node);
        graph.RemoveNode(Node);
        replacement.Output.Add(Node.Output[0]);
        graph.InsertNode(index, replacement);
        foreach (var name in oldInputs)
        {
            if (graph.Consumers(name).Count == 0 && graph.IsConstant(name)) graph.RemoveInitializer(name);
        }
    }

    private static LinearLayer? OfMatMul(OnnxGraph graph, NodeProto node)
    {
        var w = ConstantFloat(graph, node.Input[1]);
        // MatMul of a 1-D A contracts differently from the [.., M, K] A the fused kernels take.
        if (w is null || w.Dims.Count != 2 || graph.ValueInfo(node.Input[0])?.Type?.TensorType?.Shape?.Dim.Count == 1) return null;
        return new LinearLayer(node, node.Input[0], w, null, (int)w.Dims[0], (int)w.Dims[1], null);
    }

    private static LinearLayer? OfGemm(OnnxGraph graph, NodeProto node)
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
            if (cv.Length == 1) bias = Enumerable.Repeat(cv[0] * beta, n).ToArray();
            else if (cv.Length == n && c.Dims.Count <= 2 && (c.Dims.Count < 2 || c.Dims[0] == 1)) bias = Array.ConvertAll(cv, v => v * beta);
            else return null;
        }

        return new LinearLayer(node, node.Input[0], w, values, k, n, bias);
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
}
