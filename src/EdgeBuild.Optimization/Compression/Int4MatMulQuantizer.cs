using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Int4 weight-only quantization: every MatMul whose second input is a constant 2-D float weight [K, N] becomes a
/// com.microsoft MatMulNBits (bits 4, block-wise along K). Activations and every other op stay float, so no
/// calibration is needed. Conv, Gemm and Gather are left alone (ORT's 4-bit kernels are MatMul only).
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
        var skipped = new List<string>();
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.OpType != "MatMul" || node.Domain is not ("" or "ai.onnx") || (excludeNodes?.Contains(node.Name) ?? false)) continue;
            var weightName = node.Input[1];
            var weight = graph.IsConstant(weightName) ? graph.Initializer(weightName) : null;
            if (weight is null || weight.DataType != DType.Float || weight.Dims.Count != 2 || RankOf(graph, node.Input[0]) == 1)
            {
                skipped.Add(node.Name);
                continue;
            }

            var k = checked((int)weight.Dims[0]);
            var n = checked((int)weight.Dims[1]);
            // raw_data read in place: no 4-byte-per-weight copy of what may be hundreds of MB.
            ReadOnlySpan<float> values = Tensors.TryGetRawSpan<float>(weight, out var raw) ? raw : Tensors.ToFloatArray(weight);
            var q = Int4BlockQuantization.Quantize(values, k, n, blockSize, symmetric);
            var packed = graph.UniqueName(weightName + "_q4");
            var scales = graph.UniqueName(weightName + "_s");
            graph.AddInitializer(Tensors.FromUInt8s(packed, q.Packed, n, q.BlocksPerColumn, q.BlobSize));
            graph.AddInitializer(Tensors.FromFloats(scales, q.Scales, q.Scales.Length));
            var replacement = new NodeProto
            {
                Name = node.Name,
                OpType = "MatMulNBits",
                Domain = MicrosoftDomain,
                Input = { node.Input[0], packed, scales },
                Attribute = { Attributes.Int("K", k), Attributes.Int("N", n), Attributes.Int("bits", 4), Attributes.Int("block_size", blockSize), Attributes.Int("accuracy_level", accuracyLevel) },
            };
            if (q.PackedZeroPoints is { } zp)
            {
                var zeroPoints = graph.UniqueName(weightName + "_z");
                graph.AddInitializer(Tensors.FromUInt8s(zeroPoints, zp, zp.Length));
                replacement.Input.Add(zeroPoints);
            }

            var index = graph.IndexOf(node);
            graph.RemoveNode(node);
            replacement.Output.Add(node.Output[0]);
            graph.InsertNode(index, replacement);
            if (graph.Consumers(weightName).Count == 0) graph.RemoveInitializer(weightName);
            converted++;
        }

        if (converted > 0) EnsureOpset(model, MicrosoftDomain, 1);
        context.Notes.Add($"int4: {converted} MatMul node(s) → MatMulNBits (block {blockSize}, {(symmetric ? "symmetric" : "with zero points")})"
            + (skipped.Count > 0 ? $"; {skipped.Count} kept in float (weight not a constant 2-D float initializer)" : ""));
        return converted;
    }

    private static int? RankOf(OnnxGraph graph, string value) => graph.ValueInfo(value)?.Type?.TensorType?.Shape?.Dim.Count;

    internal static void EnsureOpset(ModelProto model, string domain, long version)
    {
        if (model.OpsetImport.Any(o => o.Domain == domain)) return;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
    }
}
