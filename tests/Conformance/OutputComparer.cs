using System.Buffers.Binary;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using Microsoft.ML.OnnxRuntime;
using DataType = EdgeBuild.Onnx.Protos.TensorProto.Types.DataType;

namespace EdgeBuild.Tests.Conformance;

/// <summary>Compares an ONNX Runtime output with a recorded TensorProto, the way ONNX's backend tests do.</summary>
public static class OutputComparer
{
    public const double DefaultRelativeTolerance = 1e-3;
    public const double DefaultAbsoluteTolerance = 1e-5;

    /// <summary>Null when they match, else what differs (first mismatching element, shape or type).</summary>
    public static string? Compare(TensorProto expected, OrtValue actual, double rtol = DefaultRelativeTolerance, double atol = DefaultAbsoluteTolerance)
    {
        if (!actual.IsTensor) return $"expected a tensor, got {actual.OnnxType}";
        var info = actual.GetTensorTypeAndShape();
        if ((int)info.ElementDataType != expected.DataType)
            return $"element type {ElementTypes.Name((int)info.ElementDataType)}, expected {ElementTypes.Name(expected.DataType)}";
        if (!info.Shape.SequenceEqual(expected.Dims))
            return $"shape [{string.Join(",", info.Shape)}], expected [{string.Join(",", expected.Dims)}]";

        if (expected.DataType == (int)DataType.String)
        {
            var want = TensorProtoConverter.Strings(expected);
            var got = actual.GetStringTensorAsArray();
            for (var i = 0; i < want.Length; i++)
                if (want[i] != got[i]) return $"element {i} is \"{got[i]}\", expected \"{want[i]}\"";
            return null;
        }

        var expectedBytes = TensorProtoConverter.RawBytes(expected);
        var actualBytes = actual.GetTensorDataAsSpan<byte>();
        if (expectedBytes.Length != actualBytes.Length) return $"{actualBytes.Length} bytes, expected {expectedBytes.Length}";
        var size = ElementTypes.BitsPerElement(expected.DataType) / 8;
        for (var i = 0; i < expectedBytes.Length / size; i++)
        {
            var e = expectedBytes.AsSpan(i * size, size);
            var a = actualBytes.Slice(i * size, size);
            if (IsFloat(expected.DataType))
            {
                double want = ToDouble(expected.DataType, e), got = ToDouble(expected.DataType, a);
                if (double.IsNaN(want) && double.IsNaN(got)) continue;
                if (want == got) continue; // infinities
                if (Math.Abs(got - want) <= atol + rtol * Math.Abs(want)) continue;
                return $"element {i} is {got}, expected {want} (rtol {rtol}, atol {atol})";
            }

            if (expected.DataType == (int)DataType.Bool ? (e[0] != 0) != (a[0] != 0) : !e.SequenceEqual(a))
                return $"element {i} is 0x{Convert.ToHexString(a)}, expected 0x{Convert.ToHexString(e)}";
        }

        return null;
    }

    private static bool IsFloat(int dataType) => (DataType)dataType is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16;

    private static double ToDouble(int dataType, ReadOnlySpan<byte> bytes) => (DataType)dataType switch
    {
        DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        DataType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
        DataType.Bfloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
        _ => throw new ArgumentOutOfRangeException(nameof(dataType)),
    };
}
