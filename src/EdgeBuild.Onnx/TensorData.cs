using System.Runtime.InteropServices;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx;

/// <summary>
/// Read access to a tensor's bytes without copying. After <see cref="ModelFile.Load(string)"/> external data has
/// been read once into the tensor's raw_data, so initializers stored externally are reachable here too.
/// </summary>
public static class TensorData
{
    /// <summary>Product of the tensor's dims (1 for a scalar). Throws OverflowException on dims no loaded model has.</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var d in tensor.Dims)
        {
            if (d < 0) throw new OverflowException($"tensor '{tensor.Name}' has negative dim {d}");
            count = checked(count * d);
        }

        return count;
    }

    /// <summary>True when the tensor's values live in raw_data (the form every exporter uses for weights).</summary>
    public static bool HasRawData(TensorProto tensor) => tensor.HasRawData;

    /// <summary>The raw little-endian bytes of the tensor, as a span over the tensor's own buffer.</summary>
    /// <exception cref="InvalidOperationException">The tensor stores values in typed fields (float_data ...) or unresolved external data.</exception>
    public static ReadOnlySpan<byte> RawBytes(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new InvalidOperationException($"tensor '{tensor.Name}' still points at external data; load the model with ModelFile.Load to resolve it");
        if (!tensor.HasRawData)
            throw new InvalidOperationException($"tensor '{tensor.Name}' stores its values in typed fields, not raw_data; use its typed field (FloatData, Int64Data ...)");
        return tensor.RawData.Span;
    }

    /// <summary>The tensor's raw bytes reinterpreted as <typeparamref name="T"/> (host byte order; ONNX raw_data is little-endian).</summary>
    public static ReadOnlySpan<T> Values<T>(TensorProto tensor) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new NotSupportedException("reading ONNX raw_data as typed values needs a little-endian host");
        return MemoryMarshal.Cast<byte, T>(RawBytes(tensor));
    }

    /// <summary>
    /// Bytes the tensor's values occupy as raw data: raw_data's or the external range's length; for typed fields
    /// (which widen bool or int8 to int32) the element type's size times the count; for strings the text bytes.
    /// </summary>
    public static long StoredByteCount(TensorProto tensor)
    {
        if (tensor.HasRawData) return tensor.RawData.Length;
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var length = tensor.ExternalData.FirstOrDefault(e => e.Key == "length")?.Value;
            if (length is not null && long.TryParse(length, out var n)) return n;
        }

        if (tensor.DataType == (int)TensorProto.Types.DataType.String) return tensor.StringData.Sum(s => (long)s.Length);
        return ElementTypes.RawByteCount(tensor.DataType, ElementCount(tensor)) ?? 0;
    }
}
