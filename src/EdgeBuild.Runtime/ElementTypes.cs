using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Runtime;

/// <summary>Maps the .NET element types generated code uses to ONNX Runtime's element types.</summary>
internal static class ElementTypes
{
    public static TensorElementType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return TensorElementType.Float;
        if (typeof(T) == typeof(Half)) return TensorElementType.Float16;
        if (typeof(T) == typeof(double)) return TensorElementType.Double;
        if (typeof(T) == typeof(sbyte)) return TensorElementType.Int8;
        if (typeof(T) == typeof(byte)) return TensorElementType.UInt8;
        if (typeof(T) == typeof(short)) return TensorElementType.Int16;
        if (typeof(T) == typeof(int)) return TensorElementType.Int32;
        if (typeof(T) == typeof(long)) return TensorElementType.Int64;
        if (typeof(T) == typeof(bool)) return TensorElementType.Bool;
        throw new NotSupportedException($"Element type {typeof(T)} is not supported by EdgeBuild wrappers.");
    }

    public static void Require<T>(EdgeTensorInfo tensor) where T : unmanaged
    {
        var requested = Of<T>();
        if (requested != tensor.ElementType)
            throw new InvalidOperationException(
                $"Tensor '{tensor.Name}' holds {tensor.ElementType}, not {typeof(T).Name}; the generated wrapper and the runtime disagree. Rebuild the project.");
    }
}
