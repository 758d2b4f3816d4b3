using System.Runtime.InteropServices;
using System.Text;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using DataType = EdgeBuild.Onnx.Protos.TensorProto.Types.DataType;

namespace EdgeBuild.Tests.Conformance;

/// <summary>Turns recorded TensorProtos (the backend suite's .pb files) into ONNX Runtime inputs, and values into raw bytes.</summary>
public static class TensorProtoConverter
{
    public static TensorProto Read(string path) => TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));

    /// <summary>Element types this harness moves between TensorProto and OrtValue.</summary>
    public static bool IsSupported(int dataType) => (DataType)dataType is DataType.Float or DataType.Double or DataType.Float16
        or DataType.Bfloat16 or DataType.Int8 or DataType.Uint8 or DataType.Int16 or DataType.Uint16 or DataType.Int32
        or DataType.Uint32 or DataType.Int64 or DataType.Uint64 or DataType.Bool or DataType.String;

    public static OrtValue ToOrtValue(TensorProto tensor)
    {
        var shape = tensor.Dims.ToArray();
        if (tensor.DataType == (int)DataType.String)
        {
            var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (var i = 0; i < tensor.StringData.Count; i++) strings.StringTensorSetElementAt(tensor.StringData[i].Span, i);
            return strings;
        }

        var bytes = RawBytes(tensor);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)tensor.DataType, shape);
        bytes.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    /// <summary>The little-endian raw bytes of a numeric tensor, whether it stores raw_data or typed fields.</summary>
    public static byte[] RawBytes(TensorProto tensor)
    {
        if (tensor.HasRawData) return tensor.RawData.ToByteArray();
        var count = (int)TensorData.ElementCount(tensor);
        return (DataType)tensor.DataType switch
        {
            DataType.Float => Bytes(tensor.FloatData.ToArray()),
            DataType.Double => Bytes(tensor.DoubleData.ToArray()),
            DataType.Int64 => Bytes(tensor.Int64Data.ToArray()),
            DataType.Uint64 => Bytes(tensor.Uint64Data.ToArray()),
            DataType.Uint32 => Bytes(tensor.Uint64Data.Select(v => (uint)v).ToArray()),
            DataType.Int32 => Bytes(tensor.Int32Data.ToArray()),
            DataType.Int16 => Bytes(tensor.Int32Data.Select(v => (short)v).ToArray()),
            DataType.Uint16 or DataType.Float16 or DataType.Bfloat16 => Bytes(tensor.Int32Data.Select(v => (ushort)v).ToArray()),
            DataType.Int8 => Bytes(tensor.Int32Data.Select(v => (sbyte)v).ToArray()),
            DataType.Uint8 or DataType.Bool => Bytes(tensor.Int32Data.Select(v => (byte)v).ToArray()),
            _ => throw new NotSupportedException($"element type {ElementTypes.Name(tensor.DataType)} of '{tensor.Name}'"),
        } is var result && result.Length == count * ElementTypes.BitsPerElement(tensor.DataType) / 8
            ? result
            : throw new InvalidDataException($"tensor '{tensor.Name}' holds a different number of values than its dims [{string.Join(",", tensor.Dims)}]");
    }

    /// <summary>The strings of a string tensor as UTF-8 text (compared as text: ORT hands back .NET strings).</summary>
    public static string[] Strings(TensorProto tensor) => tensor.StringData.Select(s => Encoding.UTF8.GetString(s.Span)).ToArray();

    private static byte[] Bytes<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
