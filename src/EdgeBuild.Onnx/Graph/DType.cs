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

    /// <summary>
    /// Bytes per element in raw_data, or 0 for types that are not whole bytes (strings, 4- and 2-bit types) and
    /// unknown codes. From the one element-type table, <see cref="ElementTypes"/>.
    /// </summary>
    public static int SizeOf(int dataType) => ElementTypes.BitsPerElement(dataType) is var bits && bits % 8 == 0 ? bits / 8 : 0;

    /// <summary>The name used in manifests and messages (<see cref="ElementTypes.Name"/>).</summary>
    public static string Name(int dataType) => ElementTypes.Name(dataType);
}
