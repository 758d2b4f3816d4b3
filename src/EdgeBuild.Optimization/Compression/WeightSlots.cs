using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Which op inputs are weights the data-free compression stores as int8, and along which axes each gets its own scale
/// (the axes that index output channels: one scale per filter, per output column, per gate row, per embedding row).
/// </summary>
internal static class WeightSlots
{
    /// <summary>Ops with a weight slot, for reports ("op without a quantizer" is every other op holding a float constant).</summary>
    public static readonly IReadOnlySet<string> OpTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "MatMul", "Gemm", "LSTM", "GRU", "RNN", "Gather",
    };

    /// <summary>
    /// The channel axes when <paramref name="node"/>'s input <paramref name="input"/> is a weight of rank <paramref name="rank"/>;
    /// null when that input is not one.
    /// </summary>
    public static int[]? ChannelAxes(NodeProto node, int input, int rank)
    {
        if (node.Domain.Length > 0 && node.Domain != "ai.onnx") return null;
        return node.OpType switch
        {
            "Conv" when input == 1 && rank >= 3 => [0], // [M, C/group, k...]
            "ConvTranspose" when input == 1 && rank >= 3 && Attributes.GetInt(node, "group", 1) == 1 => [1], // [C, M, k...]
            "MatMul" when input == 1 && rank >= 2 => [rank - 1], // [.., K, N]
            "Gemm" when input == 1 && rank == 2 => [Attributes.GetInt(node, "transB", 0) != 0 ? 0 : 1],
            "LSTM" or "GRU" or "RNN" when input is 1 or 2 && rank == 3 => [0, 1], // [directions, gates·hidden, input]: per gate row
            "Gather" when input == 0 && rank == 2 && Attributes.GetInt(node, "axis", 0) == 0 => [0], // embedding table: per row
            _ => null,
        };
    }

    /// <summary>
    /// True when the op only moves the constant's values (slices, reshapes, transposes, concatenates them): the int8 form
    /// gives it the same float tensor after ORT's folding. Exporters write recurrent cells this way (v5 Silero slices its
    /// LSTM weights into gates inside an If body).
    /// </summary>
    public static bool IsLayoutRead(NodeProto node, int input) =>
        NodeKind.IsStandard(node) && node.OpType switch
        {
            "Slice" or "Unsqueeze" or "Squeeze" or "Reshape" or "Expand" or "Split" or "Gather" => input == 0,
            "Transpose" or "Identity" or "Concat" => true,
            _ => false,
        };
}
