using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Runtime;

/// <summary>
/// A buffer allocated once on the pinned object heap and wrapped, without a copy, as an ONNX Runtime tensor.
/// The array never moves, so the native side can keep its address for the life of the session; the pinned
/// heap frees it with the last managed reference, after the <see cref="OrtValue"/> is disposed.
/// </summary>
internal sealed class PinnedTensor : IDisposable
{
    private PinnedTensor(EdgeTensorInfo info, Array buffer, OrtValue value)
    {
        Info = info;
        Buffer = buffer;
        Value = value;
    }

    public EdgeTensorInfo Info { get; }

    public Array Buffer { get; }

    public OrtValue Value { get; }

    public static PinnedTensor Allocate(EdgeTensorInfo info) => info.ElementType switch
    {
        TensorElementType.Float => Allocate<float>(info),
        TensorElementType.Float16 => Allocate<Half>(info),
        TensorElementType.Double => Allocate<double>(info),
        TensorElementType.Int8 => Allocate<sbyte>(info),
        TensorElementType.UInt8 => Allocate<byte>(info),
        TensorElementType.Int16 => Allocate<short>(info),
        TensorElementType.Int32 => Allocate<int>(info),
        TensorElementType.Int64 => Allocate<long>(info),
        TensorElementType.Bool => Allocate<bool>(info),
        _ => throw new NotSupportedException($"Tensor '{info.Name}': element type {info.ElementType} is not supported by EdgeBuild wrappers."),
    };

    public T[] As<T>() where T : unmanaged
    {
        ElementTypes.Require<T>(Info);
        return (T[])Buffer;
    }

    public void Dispose() => Value.Dispose();

    private static unsafe PinnedTensor Allocate<T>(EdgeTensorInfo info) where T : unmanaged
    {
        var buffer = GC.AllocateArray<T>(info.Length, pinned: true);
        var address = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        var value = OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, info.ElementType, info.Shape.ToArray(), address, (long)info.Length * sizeof(T));
        return new PinnedTensor(info, buffer, value);
    }
}
