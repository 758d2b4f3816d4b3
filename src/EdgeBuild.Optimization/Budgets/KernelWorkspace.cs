using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>
/// Scratch memory a CPU kernel allocates while it runs, on top of its inputs and outputs, following
/// the buffer sizes of ONNX Runtime's MLAS convolution (x64/generic paths):
/// <list type="bullet">
/// <item>Conv, one group, pointwise (1x1, stride 1, no padding): none (a direct GEMM).</item>
/// <item>Conv, one group, more filters than output pixels: the full im2col matrix, K × OutputSize.</item>
/// <item>Conv, one group, otherwise: per-thread tiles of 128×128 floats.</item>
/// <item>Conv, several groups (depthwise): per thread (at most one per group) max(K, Cout/group) × OutputSize.</item>
/// <item>ConvTranspose: a Cout/group·kernel × input-pixels column buffer.</item>
/// </list>
/// K = Cin/group × kernel size. Other ops' scratch is small and not modelled. ARM64's direct 3x3
/// depthwise kernel needs less than modelled here, so on ARM the estimate errs high.
/// </summary>
internal static class KernelWorkspace
{
    private const long SgemmTileFloats = 128 * 128;

    public static long Bytes(NodeProto node, IReadOnlyDictionary<string, ValueSize> sizes,
        IReadOnlyDictionary<string, IReadOnlyList<long>> initializerShapes, int threads)
    {
        if (node.Domain.Length != 0 && node.Domain != "ai.onnx") return 0;
        if (node.OpType is not ("Conv" or "ConvTranspose") || node.Input.Count < 2 || node.Output.Count < 1) return 0;
        if (!sizes.TryGetValue(node.Input[0], out var x) || !sizes.TryGetValue(node.Output[0], out var y)) return 0;
        var w = sizes.TryGetValue(node.Input[1], out var ws) ? ws.Shape : initializerShapes.GetValueOrDefault(node.Input[1]);
        if (w is null || w.Count < 3 || x.Shape.Count != w.Count || y.Shape.Count != w.Count) return 0;

        var group = node.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
        var kernel = Product(w.Skip(2));
        long elementSize = ElementSizes.Of(x.ElementType);
        threads = Math.Max(threads, 1);

        if (node.OpType == "ConvTranspose")
            return w[1] * kernel * Product(x.Shape.Skip(2)) * elementSize; // W is [Cin, Cout/group, k...]

        var outputSize = Product(y.Shape.Skip(2));
        var k = w[1] * kernel; // W is [Cout, Cin/group, k...]
        var filtersPerGroup = w[0] / Math.Max(group, 1);
        if (group > 1)
        {
            var workers = Math.Min(threads, x.Shape[0] * group);
            return workers * Math.Max(k * outputSize, filtersPerGroup * outputSize) * elementSize;
        }

        if (IsPointwise(node, w)) return 0;
        return filtersPerGroup > outputSize ? k * outputSize * elementSize : threads * SgemmTileFloats * elementSize;
    }

    private static long Product(IEnumerable<long> values) => values.Aggregate(1L, (a, b) => a * b);

    private static bool IsPointwise(NodeProto node, IReadOnlyList<long> w)
    {
        if (w.Skip(2).Any(k => k != 1)) return false;
        var strides = node.Attribute.FirstOrDefault(a => a.Name == "strides")?.Ints;
        var pads = node.Attribute.FirstOrDefault(a => a.Name == "pads")?.Ints;
        return (strides is null || strides.All(s => s == 1)) && (pads is null || pads.All(p => p == 0));
    }
}
