using System.Buffers.Binary;
using System.Runtime.InteropServices;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Onnx.Graph;

/// <summary>
/// Reads and creates TensorProto values. Initializers written by exporters keep their data in
/// raw_data (little-endian bytes); <see cref="RawSpan{T}"/> views those bytes in place so passes can
/// scan multi-megabyte weights without copying them. The typed repeated fields are supported too,
/// through copies.
/// </summary>
public static class Tensors
{
    /// <summary>Number of elements (product of dims; 1 for a scalar).</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var d in tensor.Dims) count *= d;
        return count;
    }

    public static long[] Shape(TensorProto tensor) => [.. tensor.Dims];

    /// <summary>True when the values live in this file rather than in an external data file.</summary>
    public static bool IsStoredInline(TensorProto tensor) =>
        !(tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External);

    /// <summary>
    /// The values as a span over raw_data without copying, or false when the tensor keeps them in a
    /// typed field (then use <see cref="ToArray{T}"/>). T must match the element size.
    /// </summary>
    public static bool TryGetRawSpan<T>(TensorProto tensor, out ReadOnlySpan<T> values) where T : unmanaged
    {
        if (!tensor.HasRawData || !IsStoredInline(tensor))
        {
            values = default;
            return false;
        }

        CheckElementSize<T>(tensor);
        values = MemoryMarshal.Cast<byte, T>(tensor.RawData.Span);
        return true;
    }

    /// <summary>The values as a span over raw_data; throws when they are stored in typed fields.</summary>
    public static ReadOnlySpan<T> RawSpan<T>(TensorProto tensor) where T : unmanaged =>
        TryGetRawSpan<T>(tensor, out var span)
            ? span
            : throw new InvalidOperationException($"Tensor '{tensor.Name}' keeps its values in typed fields, not raw_data; use ToArray.");

    /// <summary>A copy of the values, whatever field holds them. Float16/bfloat16 are returned as ushort bits.</summary>
    public static T[] ToArray<T>(TensorProto tensor) where T : unmanaged
    {
        if (!IsStoredInline(tensor))
            throw new InvalidOperationException($"Tensor '{tensor.Name}' refers to external data that was not loaded.");
        if (TryGetRawSpan<T>(tensor, out var raw)) return raw.ToArray();
        CheckElementSize<T>(tensor);

        var count = checked((int)ElementCount(tensor));
        var result = new T[count];
        var bytes = MemoryMarshal.AsBytes(result.AsSpan());
        switch (tensor.DataType)
        {
            case DType.Float:
                CopyTo(tensor.FloatData, MemoryMarshal.Cast<byte, float>(bytes));
                break;
            case DType.Double:
                CopyTo(tensor.DoubleData, MemoryMarshal.Cast<byte, double>(bytes));
                break;
            case DType.Int64:
                CopyTo(tensor.Int64Data, MemoryMarshal.Cast<byte, long>(bytes));
                break;
            case DType.Uint64:
            case DType.Uint32:
                for (var i = 0; i < count; i++)
                {
                    if (tensor.DataType == DType.Uint64) BinaryPrimitives.WriteUInt64LittleEndian(bytes[(i * 8)..], tensor.Uint64Data[i]);
                    else BinaryPrimitives.WriteUInt32LittleEndian(bytes[(i * 4)..], (uint)tensor.Uint64Data[i]);
                }

                break;
            default:
                // int32_data carries every narrower integer type, bool and the 16-bit floats, one per element.
                var size = DType.SizeOf(tensor.DataType);
                for (var i = 0; i < count; i++)
                {
                    var v = tensor.Int32Data[i];
                    switch (size)
                    {
                        case 1: bytes[i] = (byte)v; break;
                        case 2: BinaryPrimitives.WriteInt16LittleEndian(bytes[(i * 2)..], (short)v); break;
                        case 4: BinaryPrimitives.WriteInt32LittleEndian(bytes[(i * 4)..], v); break;
                        default: throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {DType.Name(tensor.DataType)}, which has no fixed byte size.");
                    }
                }

                break;
        }

        return result;
    }

    /// <summary>The values as float whatever their numeric type (used by folding and calibration).</summary>
    public static float[] ToFloatArray(TensorProto tensor) => tensor.DataType switch
    {
        DType.Float => ToArray<float>(tensor),
        DType.Double => Array.ConvertAll(ToArray<double>(tensor), v => (float)v),
        DType.Float16 => Array.ConvertAll(ToArray<Half>(tensor), v => (float)v),
        DType.Int64 => Array.ConvertAll(ToArray<long>(tensor), v => (float)v),
        DType.Int32 => Array.ConvertAll(ToArray<int>(tensor), v => (float)v),
        DType.Int8 => Array.ConvertAll(ToArray<sbyte>(tensor), v => (float)v),
        DType.Uint8 => Array.ConvertAll(ToArray<byte>(tensor), v => (float)v),
        _ => throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {DType.Name(tensor.DataType)}; cannot read it as float."),
    };

    /// <summary>A tensor whose values are stored as little-endian raw_data.</summary>
    public static TensorProto Create<T>(string name, int dataType, ReadOnlySpan<T> values, params long[] dims) where T : unmanaged
    {
        var tensor = new TensorProto { Name = name, DataType = dataType };
        tensor.Dims.AddRange(dims);
        if (ElementCount(tensor) != values.Length)
            throw new ArgumentException($"Tensor '{name}' has {values.Length} values but dims [{string.Join(",", dims)}] need {ElementCount(tensor)}.", nameof(values));
        CheckElementSize<T>(tensor);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        return tensor;
    }

    public static TensorProto FromFloats(string name, ReadOnlySpan<float> values, params long[] dims) => Create(name, DType.Float, values, dims);

    public static TensorProto FromInt64s(string name, ReadOnlySpan<long> values, params long[] dims) => Create(name, DType.Int64, values, dims);

    public static TensorProto FromInt32s(string name, ReadOnlySpan<int> values, params long[] dims) => Create(name, DType.Int32, values, dims);

    public static TensorProto FromInt8s(string name, ReadOnlySpan<sbyte> values, params long[] dims) => Create(name, DType.Int8, values, dims);

    public static TensorProto FromInt16s(string name, ReadOnlySpan<short> values, params long[] dims) => Create(name, DType.Int16, values, dims);

    public static TensorProto FromUInt8s(string name, ReadOnlySpan<byte> values, params long[] dims) => Create(name, DType.Uint8, values, dims);

    public static TensorProto FromHalfs(string name, ReadOnlySpan<Half> values, params long[] dims) => Create(name, DType.Float16, values, dims);

    public static TensorProto Scalar(string name, float value) => FromFloats(name, [value]);

    private static void CopyTo<T>(Google.Protobuf.Collections.RepeatedField<T> source, Span<T> target)
    {
        if (source.Count != target.Length)
            throw new InvalidOperationException($"Tensor holds {source.Count} values where its dims need {target.Length}.");
        for (var i = 0; i < target.Length; i++) target[i] = source[i];
    }

    private static void CheckElementSize<T>(TensorProto tensor) where T : unmanaged
    {
        var size = DType.SizeOf(tensor.DataType);
        if (size != System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
            throw new InvalidOperationException($"Tensor '{tensor.Name}' has element type {DType.Name(tensor.DataType)} ({size} bytes), read as {typeof(T).Name}.");
    }
}
