using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx;

/// <summary>Names and storage sizes of ONNX element types (TensorProto.DataType).</summary>
public static class ElementTypes
{
    /// <summary>
    /// The name used in manifests and CLI output (docs/contracts.md): float32, float16, int8 ...; types the
    /// contract does not list get ONNX's name in lower case, unknown codes "type&lt;N&gt;".
    /// </summary>
    public static string Name(int dataType) => (TensorProto.Types.DataType)dataType switch
    {
        TensorProto.Types.DataType.Float => "float32",
        TensorProto.Types.DataType.Double => "float64",
        TensorProto.Types.DataType.Float16 => "float16",
        TensorProto.Types.DataType.Bfloat16 => "bfloat16",
        TensorProto.Types.DataType.Uint8 => "uint8",
        TensorProto.Types.DataType.Int8 => "int8",
        TensorProto.Types.DataType.Uint16 => "uint16",
        TensorProto.Types.DataType.Int16 => "int16",
        TensorProto.Types.DataType.Int32 => "int32",
        TensorProto.Types.DataType.Int64 => "int64",
        TensorProto.Types.DataType.Uint32 => "uint32",
        TensorProto.Types.DataType.Uint64 => "uint64",
        TensorProto.Types.DataType.String => "string",
        TensorProto.Types.DataType.Bool => "bool",
        TensorProto.Types.DataType.Complex64 => "complex64",
        TensorProto.Types.DataType.Complex128 => "complex128",
        TensorProto.Types.DataType.Float8E4M3Fn => "float8e4m3fn",
        TensorProto.Types.DataType.Float8E4M3Fnuz => "float8e4m3fnuz",
        TensorProto.Types.DataType.Float8E5M2 => "float8e5m2",
        TensorProto.Types.DataType.Float8E5M2Fnuz => "float8e5m2fnuz",
        TensorProto.Types.DataType.Uint4 => "uint4",
        TensorProto.Types.DataType.Int4 => "int4",
        TensorProto.Types.DataType.Float4E2M1 => "float4e2m1",
        TensorProto.Types.DataType.Float8E8M0 => "float8e8m0",
        TensorProto.Types.DataType.Uint2 => "uint2",
        TensorProto.Types.DataType.Int2 => "int2",
        TensorProto.Types.DataType.Undefined => "undefined",
        _ => $"type{dataType}",
    };

    /// <summary>Bits one element occupies in raw_data (4-bit and 2-bit types are packed), or 0 for string and unknown types.</summary>
    public static int BitsPerElement(int dataType) => (TensorProto.Types.DataType)dataType switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Uint32 => 32,
        TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Uint64
            or TensorProto.Types.DataType.Complex64 => 64,
        TensorProto.Types.DataType.Complex128 => 128,
        TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16
            or TensorProto.Types.DataType.Int16 or TensorProto.Types.DataType.Uint16 => 16,
        TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Bool
            or TensorProto.Types.DataType.Float8E4M3Fn or TensorProto.Types.DataType.Float8E4M3Fnuz
            or TensorProto.Types.DataType.Float8E5M2 or TensorProto.Types.DataType.Float8E5M2Fnuz
            or TensorProto.Types.DataType.Float8E8M0 => 8,
        TensorProto.Types.DataType.Uint4 or TensorProto.Types.DataType.Int4 or TensorProto.Types.DataType.Float4E2M1 => 4,
        TensorProto.Types.DataType.Uint2 or TensorProto.Types.DataType.Int2 => 2,
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="elementCount"/> elements take in raw_data, or null for string and unknown types.</summary>
    public static long? RawByteCount(int dataType, long elementCount)
    {
        var bits = BitsPerElement(dataType);
        if (bits == 0) return null;
        return checked((elementCount * bits + 7) / 8);
    }
}
