using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Requantization parameters an ONNX Runtime integer kernel refuses at run time. MLAS's QLinearGlobalAveragePool
/// (CheckQLinearGlobalAveragePoolScaleAndSize in onnxruntime/core/mlas/lib/qlgavgpool.cpp) throws "parameter out of
/// computation range" when the image size (product of the spatial dims) is 2^24 or more, or when, in float32,
/// x_scale / (y_scale · image_size) is below 2^-32 or at least 256: the output would be constant. ORT fuses
/// DQ→GlobalAveragePool→Q into that kernel, and DQ→AveragePool→Q into QLinearAveragePool, which calls the same kernel
/// (image size = the kernel's size) when the kernel covers the whole input without padding. Calibrated ranges of a
/// model with wild weights (a bit-flipped download) put the ratio there; such a node must stay float.
/// The other QLinear kernels EdgeBuild's plans lead to have no such limit: QLinearAdd/Mul fall back to a reference
/// loop when their scale ratios are outside MLAS's fixed-point range, Sigmoid/LeakyRelu/Softmax use lookup tables,
/// and QLinearAveragePool's general path dequantizes to float.
/// </summary>
internal static class KernelLimits
{
    private const long MaxImageSize = 1L << 24;
    private static readonly float MinScale = MathF.ScaleB(1f, -32);
    private const float MaxScale = 256f;

    /// <summary>
    /// Why ORT's integer kernel for <paramref name="node"/> would refuse input parameters <paramref name="x"/> and
    /// output parameters <paramref name="y"/>, or null when it accepts them (or the op has no such kernel limit).
    /// <paramref name="input"/> gives the input's shape; without it every image size the kernel allows is checked.
    /// </summary>
    public static string? Refusal(NodeProto node, QuantParams x, QuantParams y, TensorRange? input)
    {
        var spatial = input?.Shape is { Count: >= 3 } shape ? shape.Skip(2).ToArray() : null;
        long[] sizes;
        switch (node.OpType)
        {
            case "GlobalAveragePool":
                sizes = spatial is null ? [1, MaxImageSize - 1] : [spatial.Aggregate(1L, (a, b) => a * b)];
                break;
            case "AveragePool":
                var kernel = Attributes.GetInts(node, "kernel_shape");
                if (kernel.Length == 0) return null;
                // The general path (kernel smaller than the input, or padded) dequantizes to float: no limit.
                if (spatial is not null && !spatial.SequenceEqual(kernel)) return null;
                if (Attributes.GetInts(node, "pads").Any(p => p != 0)) return null;
                sizes = [kernel.Aggregate(1L, (a, b) => a * b)];
                break;
            default:
                return null;
        }

        foreach (var size in sizes)
        {
            if (size >= MaxImageSize) return $"its image size {size} is 2^24 or more";
            var scale = Ratio(x.Scale, y.Scale, size);
            // As MLAS compares: a NaN ratio (infinite scales on both sides) passes its check, so it is not refused here.
            if (scale < MinScale || scale >= MaxScale)
            {
                return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"input scale / (output scale · image size {size}) = {x.Scale:G4} / ({y.Scale:G4} · {size}) = {scale:G4} is outside ONNX Runtime's [2^-32, 256)");
            }
        }

        return null;
    }

    /// <summary>The kernel's requantization scale, rounded to float32 at each step as MLAS computes it.</summary>
    private static float Ratio(float xScale, float yScale, long imageSize)
    {
        var denominator = (float)(yScale * (float)imageSize);
        return (float)(xScale / denominator);
    }
}
