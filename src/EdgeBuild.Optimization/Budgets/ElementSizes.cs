using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>Bytes per element of ONNX tensor types (0 for strings and unknown types, which have no fixed size).</summary>
internal static class ElementSizes
{
    public static int Of(int dataType) => (TensorProto.Types.DataType)dataType switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Uint32 => 4,
        TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Uint64
            or TensorProto.Types.DataType.Complex64 => 8,
        TensorProto.Types.DataType.Complex128 => 16,
        TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16 or TensorProto.Types.DataType.Int16
            or TensorProto.Types.DataType.Uint16 => 2,
        TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Bool => 1,
        _ => 0,
    };

    /// <summary>Bytes of a tensor: element count × element size; 4-bit types round up to whole bytes.</summary>
    public static long TensorBytes(int dataType, IEnumerable<long> dims)
    {
        var count = dims.Aggregate(1L, (a, d) => a * Math.Max(d, 0));
        return (TensorProto.Types.DataType)dataType is TensorProto.Types.DataType.Int4 or TensorProto.Types.DataType.Uint4
            ? (count + 1) / 2
            : count * Of(dataType);
    }
}
