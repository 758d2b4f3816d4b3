using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Runtime;

/// <summary>One model input or output as the signature manifest declares it.</summary>
public sealed class EdgeTensorInfo
{
    /// <summary>Creates the description of a tensor.</summary>
    /// <param name="name">The ONNX name of the tensor.</param>
    /// <param name="elementType">Its element type.</param>
    /// <param name="shape">Its dims resolved for the device (every dim positive).</param>
    /// <param name="dimNames">The ONNX <c>dim_param</c> of each axis, <see langword="null"/> for fixed axes.</param>
    public EdgeTensorInfo(string name, TensorElementType elementType, long[] shape, string?[] dimNames)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(dimNames);
        if (dimNames.Length != shape.Length)
            throw new ArgumentException($"Tensor '{name}': {shape.Length} dims but {dimNames.Length} dim names.", nameof(dimNames));

        Name = name;
        ElementType = elementType;
        Shape = shape;
        DimNames = dimNames;
        Length = TensorShapes.ElementCount(shape, name);
    }

    /// <summary>The ONNX name of the tensor.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The resolved dims the preallocated buffer has.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The ONNX <c>dim_param</c> of each axis (<see langword="null"/> for fixed axes); named axes may vary on the allocating path.</summary>
    public IReadOnlyList<string?> DimNames { get; }

    /// <summary>The number of elements of the resolved shape.</summary>
    public int Length { get; }

    /// <summary>Formats the shape as <c>[1, 3, H=640, W=640]</c>, naming symbolic axes.</summary>
    public override string ToString() => Name + " " + TensorShapes.Format(Shape, DimNames);
}
