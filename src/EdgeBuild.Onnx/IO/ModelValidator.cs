using System.Globalization;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.IO;

/// <summary>
/// The checks that separate "parsed as protobuf" from "is an ONNX model we can work with". Deliberately few:
/// onnx.checker and ONNX Runtime judge semantics; here we reject what would make our own code misbehave.
/// </summary>
internal static class ModelValidator
{
    public static string? FindProblem(ModelProto model)
    {
        if (!model.HasIrVersion || model.IrVersion <= 0) return "the file has no ONNX ir_version: it is not an ONNX model";
        if (model.Graph is null) return "the model has no graph";
        foreach (var tensor in ModelTensors.All(model))
        {
            foreach (var d in tensor.Dims)
            {
                if (d < 0) return $"tensor '{tensor.Name}' has a negative dimension {d}";
            }

            try
            {
                // Room for the widest element (128-bit complex) keeps every later size computation in range.
                checked { _ = TensorData.ElementCount(tensor) * 16; }
            }
            catch (OverflowException)
            {
                return $"tensor '{tensor.Name}' has dims [{string.Join(", ", tensor.Dims)}] whose element count overflows";
            }
        }

        return null;
    }

    /// <summary>
    /// After external data is resolved: every tensor holds as much data as its dims and element type claim. A tensor
    /// whose dims say 2^40 floats but whose raw_data holds 16 bytes is not a model any command may summarize or
    /// optimize; this is the one check `inspect`, `optimize` and `verify` share (through ModelFile.Load), instead of
    /// relying on ONNX Runtime's shape inference happening to fail later.
    /// </summary>
    public static string? FindDataProblem(ModelProto model)
    {
        foreach (var tensor in ModelTensors.All(model))
        {
            if (DataProblem(tensor) is { } problem) return $"tensor '{tensor.Name}' {problem}";
        }

        return null;
    }

    private static string? DataProblem(TensorProto tensor)
    {
        var count = TensorData.ElementCount(tensor);
        var type = (TensorProto.Types.DataType)tensor.DataType;
        string Claims() => $"has dims [{string.Join(", ", tensor.Dims)}] ({N(count)} {ElementTypes.Name(tensor.DataType)} values)";
        if (tensor.HasRawData)
        {
            if (ElementTypes.RawByteCount(tensor.DataType, count) is not { } expected || tensor.RawData.Length == expected) return null;
            return $"{Claims()}, which take {N(expected)} bytes, but its data holds {N(tensor.RawData.Length)} bytes";
        }

        // Typed fields: how many entries the element type puts in which field (onnx.proto's comments on each field).
        var (field, held, expectedCount) = type switch
        {
            TensorProto.Types.DataType.Float => ("float_data", tensor.FloatData.Count, count),
            TensorProto.Types.DataType.Complex64 => ("float_data", tensor.FloatData.Count, checked(count * 2)),
            TensorProto.Types.DataType.Double => ("double_data", tensor.DoubleData.Count, count),
            TensorProto.Types.DataType.Complex128 => ("double_data", tensor.DoubleData.Count, checked(count * 2)),
            TensorProto.Types.DataType.Int64 => ("int64_data", tensor.Int64Data.Count, count),
            TensorProto.Types.DataType.Uint32 or TensorProto.Types.DataType.Uint64 => ("uint64_data", tensor.Uint64Data.Count, count),
            TensorProto.Types.DataType.String => ("string_data", tensor.StringData.Count, count),
            TensorProto.Types.DataType.Int4 or TensorProto.Types.DataType.Uint4 or TensorProto.Types.DataType.Float4E2M1
                => ("int32_data", tensor.Int32Data.Count, (count + 1) / 2),
            TensorProto.Types.DataType.Int2 or TensorProto.Types.DataType.Uint2 => ("int32_data", tensor.Int32Data.Count, (count + 3) / 4),
            TensorProto.Types.DataType.Undefined => ("", 0, 0L),
            _ when ElementTypes.BitsPerElement(tensor.DataType) > 0 => ("int32_data", tensor.Int32Data.Count, count),
            _ => ("", 0, 0L),
        };
        if (field.Length == 0 || held == expectedCount) return null;
        if (held == 0 && !HasAnyTypedData(tensor)) return $"{Claims()} but holds no data";
        return $"{Claims()} but its {field} holds {N(held)} values instead of {N(expectedCount)}";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static bool HasAnyTypedData(TensorProto t) =>
        t.FloatData.Count + t.DoubleData.Count + t.Int32Data.Count + t.Int64Data.Count + t.Uint64Data.Count + t.StringData.Count > 0;
}
