using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Graph;

/// <summary>Facts about ONNX tensor element types (TensorProto.DataType) that passes and writers need.</summary>
public static class DType
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Uint8 = (int)TensorProto.Types.DataType.Uint8;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;
    public const int Uint16 = (int)TensorProto.Types.DataType.Uint16;
    public const int Int16 = (int)TensorProto.Types.DataType.Int16;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;
    public const int Float16 = (int)TensorProto.Types.DataType.Float16;
    public const int Double = (int)TensorProto.Types.DataType.Double;
    public const int Uint32 = (int)TensorProto.Types.DataType.Uint32;
    public const int Uint64 = (int)TensorProto.Types.DataType.Uint64;
    public const int Uint4 = (int)TensorProto.Types.DataType.Uint4;
    public const int Int4 = (int)TensorProto.Types.DataType.Int4;

    /// <summary>Bytes per element in raw_data, or 0 for types that are not fixed-size bytes (strings, 4-bit).</summary>
    public static int SizeOf(int dataType) => dataType switch
    {
        Float or Int32 or Uint32 => 4,
        Uint8 or Int8 or Bool => 1,
        Uint16 or Int16 or Float16 or (int)TensorProto.Types.DataType.Bfloat16 => 2,
        Int64 or Double or Uint64 => 8,
        _ => 0,
    };

    /// <summary>The name used in manifests and messages (contracts.md section 1 where it applies).</summary>
    public static string Name(int dataType) => dataType switch
    {
        Float => "float32",
        Float16 => "float16",
        Double => "float64",
        Int8 => "int8",
        Uint8 => "uint8",
        Int16 => "int16",
        Uint16 => "uint16",
        Int32 => "int32",
        Uint32 => "uint32",
        Int64 => "int64",
        Uint64 => "uint64",
        Bool => "bool",
        _ => ((TensorProto.Types.DataType)dataType).ToString().ToLowerInvariant(),
    };
}
