using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Tests.Graph;

public class TensorsTests
{
    [Fact]
    public void Raw_span_views_the_stored_bytes_without_copying()
    {
        var tensor = Tensors.FromFloats("w", [1.5f, -2f, 3.25f, 0f], 2, 2);

        var span = Tensors.RawSpan<float>(tensor);

        Assert.Equal([1.5f, -2f, 3.25f, 0f], span.ToArray());
        ref var first = ref Unsafe.AsRef(in MemoryMarshal.GetReference(span));
        ref var stored = ref Unsafe.As<byte, float>(ref Unsafe.AsRef(in MemoryMarshal.GetReference(tensor.RawData.Span)));
        Assert.True(Unsafe.AreSame(ref first, ref stored));
        Assert.Equal(4, Tensors.ElementCount(tensor));
    }

    [Fact]
    public void Typed_fields_are_read_through_copies()
    {
        var floats = new TensorProto { Name = "f", DataType = DType.Float, Dims = { 3 }, FloatData = { 1, 2, 3 } };
        var int8 = new TensorProto { Name = "q", DataType = DType.Int8, Dims = { 3 }, Int32Data = { -128, 0, 127 } };
        var int64 = new TensorProto { Name = "s", DataType = DType.Int64, Dims = { 2 }, Int64Data = { -1, 1L << 40 } };
        var half = new TensorProto { Name = "h", DataType = DType.Float16, Dims = { 1 }, Int32Data = { BitConverter.HalfToInt16Bits((Half)0.5f) } };

        Assert.False(Tensors.TryGetRawSpan<float>(floats, out _));
        Assert.Equal([1f, 2f, 3f], Tensors.ToArray<float>(floats));
        Assert.Equal([(sbyte)-128, (sbyte)0, (sbyte)127], Tensors.ToArray<sbyte>(int8));
        Assert.Equal([-1L, 1L << 40], Tensors.ToArray<long>(int64));
        Assert.Equal([0.5f], Tensors.ToFloatArray(half));
        Assert.Equal([-128f, 0f, 127f], Tensors.ToFloatArray(int8));
    }

    [Fact]
    public void Reading_with_the_wrong_element_size_is_refused()
    {
        var tensor = Tensors.FromInt64s("s", [1, 2], 2);

        Assert.Throws<InvalidOperationException>(() => Tensors.ToArray<float>(tensor));
    }

    [Fact]
    public void Creating_with_a_count_that_does_not_match_dims_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Tensors.FromFloats("w", [1, 2, 3], 2, 2));
    }

    [Fact]
    public void External_data_that_was_not_loaded_is_reported_by_name()
    {
        var tensor = Tensors.FromFloats("big", [1], 1);
        tensor.DataLocation = TensorProto.Types.DataLocation.External;

        var e = Assert.Throws<InvalidOperationException>(() => Tensors.ToArray<float>(tensor));
        Assert.Contains("big", e.Message);
    }
}
