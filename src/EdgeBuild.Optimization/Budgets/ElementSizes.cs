using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>Tensor sizes for the budgets, from the one element-type table (<see cref="ElementTypes"/>).</summary>
internal static class ElementSizes
{
    /// <summary>Bytes per element (0 for strings, sub-byte and unknown types, which have no whole-byte size).</summary>
    public static int Of(int dataType) => DType.SizeOf(dataType);

    /// <summary>Bytes of a tensor: element count × element size; 4-bit and 2-bit types packed, rounded up to whole bytes.</summary>
    public static long TensorBytes(int dataType, IEnumerable<long> dims) =>
        ElementTypes.RawByteCount(dataType, dims.Aggregate(1L, (a, d) => a * Math.Max(d, 0))) ?? 0;
}
