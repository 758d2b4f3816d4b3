using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Int4 weight-only quantization: every MatMul with a constant 2-D float weight [K, N], and every Gemm that is one
/// (<see cref="LinearLayer"/>: transB, alpha and beta·C folded in), becomes a com.microsoft MatMulNBits (bits 4,
/// block-wise along K; Gemm's bias goes to MatMulNBits' bias input). Activations and every other op stay float, so no
/// calibration is needed. Conv and Gather are left alone (ORT's 4-bit kernels are MatMul only).
/// accuracy_level 4 lets ORT's CPU kernel quantize A to int8 per block and use integer dot products: measured on a
/// 512→2048→512 MLP (batch 16) it is 0.70× fp32 latency where level 0 (float compute) is 1.40×, at the same SQNR.
/// Other execution providers ignore the attribute.
/// </summary>
public static class Int4MatMulQuantizer
{
    public const string MicrosoftDomain = "com.microsoft";

    public const int IntegerAccuracyLevel = 4;

    public static int Run(ModelProto model, PassContext context, int blockSize = 32, bool symmetric = true, IReadOnlySet<string>? excludeNodes = null, int accuracyLevel = IntegerAccuracyLevel)
    {
        var graph = new OnnxGraph(model.Graph);
        var converted = 0;
        var skipped = 0;
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.OpType is not ("MatMul" or "Gemm") || (excludeNodes?.Contains(node.Name) ?? false)) continue;
            if (LinearLayer.Of(graph, node) is not { } layer)
            {
                skipped++;
                continue;
            }

            Replace(graph, layer, blockSize, symmetric, accuracyLevel);
            converted++;
        }

        if (converted > 0) EnsureOpset(model, MicrosoftDomain, 1);
        context.Notes.Add($"int4: {converted} MatMul/Gemm node(s) → MatMulNBits (block {blockSize}, {(symmetric ? "symmetric" : "with zero points")})"
            + (skipped > 0 ? $"; {skipped} kept in float (weight not a constant 2-D float, or Gemm with transA / non-vector bias)" : ""));
        return converted;
    }

    private static void Replace(OnnxGraph graph, LinearLayer layer, int blockSize, bool symmetric, int accuracyLevel)
    {
        var q = Int4BlockQuantization.Quantize(layer.Weight, layer.K, layer.N, blockSize, symmetric);
        var weightName = layer.Source.Name;
        var packed = graph.UniqueName(weightName + "_q4");
        var scales = graph.UniqueName(weightName + "_s");
        graph.AddInitializer(Tensors.FromUInt8s(packed, q.Packed, layer.N, q.BlocksPerColumn, q.BlobSize));
        graph.AddInitializer(Tensors.FromFloats(scales, q.Scales, q.Scales.Length));
        var replacement = new NodeProto
        {
            Name = layer.Node.Name,
            OpType = "MatMulNBits",
            Domain = MicrosoftDomain,
            Input = { layer.Input, packed, scales },
            Attribute =
            {
                Attributes.Int("K", layer.K), Attributes.Int("N", layer.N), Attributes.Int("bits", 4), Attributes.Int("block_size", blockSize),
                Attributes.Int("accuracy_level", accuracyLevel),
            },
        };
        if (q.PackedZeroPoints is { } zp)
        {
            var zeroPoints = graph.UniqueName(weightName + "_z");
            graph.AddInitializer(Tensors.FromUInt8s(zeroPoints, zp, zp.Length));
            replacement.Input.Add(zeroPoints);
        }

        if (layer.Bias is { } bias)
        {
            // Inputs: A, B, scales, zero_points, g_idx, bias; the optional ones in between stay empty.
            while (replacement.Input.Count < 5) replacement.Input.Add("");
            var biasName = graph.UniqueName(weightName + "_bias");
            graph.AddInitializer(Tensors.FromFloats(biasName, bias, layer.N));
            replacement.Input.Add(biasName);
        }

        layer.ReplaceWith(graph, replacement);
    }

    internal static void EnsureOpset(ModelProto model, string domain, long version)
    {
        if (model.OpsetImport.Any(o => o.Domain == domain)) return;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
    }
}
