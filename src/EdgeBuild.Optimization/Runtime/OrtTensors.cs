using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Optimization.Runtime;

/// <summary>Moves tensors between ONNX's TensorProto and ONNX Runtime's OrtValue (element type codes are the same).</summary>
public static class OrtTensors
{
    /// <summary>An OrtValue owning a copy of the tensor's values.</summary>
    public static OrtValue ToOrtValue(TensorProto tensor)
    {
        var size = DType.SizeOf(tensor.DataType);
        if (size == 0) throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {DType.Name(tensor.DataType)}, which cannot be fed to ONNX Runtime here.");
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)tensor.DataType, [.. tensor.Dims]);
        var target = value.GetTensorMutableRawData();
        if (Tensors.TryGetRawSpan<byte>(AsBytes(tensor), out var raw)) raw.CopyTo(target);
        else Tensors.ToArray<byte>(AsBytes(tensor)).CopyTo(target);
        return value;
    }

    /// <summary>A float tensor over a caller-owned array (no copy; keep the array alive while the value is used).</summary>
    public static OrtValue FromFloats(float[] values, long[] shape) => OrtValue.CreateTensorValueFromMemory(values, shape);

    /// <summary>A TensorProto with raw_data copied from the value, or null for element types we don't store (strings).</summary>
    public static TensorProto? ToTensorProto(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        var dataType = (int)info.ElementDataType;
        if (DType.SizeOf(dataType) == 0) return null;
        var tensor = new TensorProto { Name = name, DataType = dataType };
        tensor.Dims.AddRange(info.Shape);
        tensor.RawData = ByteString.CopyFrom(value.GetTensorDataAsSpan<byte>());
        return tensor;
    }

    /// <summary>Reinterprets a tensor as bytes for copying: same storage, element type uint8 with a byte count.</summary>
    private static TensorProto AsBytes(TensorProto tensor)
    {
        if (tensor.HasRawData) return new TensorProto { Name = tensor.Name, DataType = DType.Uint8, Dims = { tensor.RawData.Length }, RawData = tensor.RawData };
        var bytes = tensor.DataType switch
        {
            DType.Float => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Tensors.ToArray<float>(tensor).AsSpan()).ToArray(),
            DType.Int64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Tensors.ToArray<long>(tensor).AsSpan()).ToArray(),
            DType.Double => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Tensors.ToArray<double>(tensor).AsSpan()).ToArray(),
            DType.Int32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Tensors.ToArray<int>(tensor).AsSpan()).ToArray(),
            DType.Int8 or DType.Uint8 or DType.Bool => Tensors.ToArray<byte>(tensor),
            DType.Float16 or DType.Int16 or DType.Uint16 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Tensors.ToArray<short>(tensor).AsSpan()).ToArray(),
            _ => throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {DType.Name(tensor.DataType)} in typed fields; not supported here."),
        };
        return new TensorProto { Name = tensor.Name, DataType = DType.Uint8, Dims = { bytes.Length }, RawData = ByteString.CopyFrom(bytes) };
    }
}
