using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization;

/// <summary>
/// The value the item's <c>Dims</c> gives a symbolic axis. One rule for everything that needs concrete shapes (the
/// manifest's buffers, the memory estimate), so a dim the wrapper gets a value for is never "undeclared" elsewhere.
/// </summary>
public static class DeclaredDims
{
    /// <summary>
    /// The tensor's own axis first (<c>input[1]=512</c>: the only way to size an axis the exporter left unnamed, as Silero
    /// VAD v5 does), then the dim's name, then, for an image input, its axis letter (see <see cref="AxisLetter"/>).
    /// </summary>
    public static long? Lookup(string tensor, TypeProto.Types.Tensor? tensorType, int axis, IReadOnlyDictionary<string, long> dims)
    {
        if (dims.TryGetValue(AxisKey(tensor, axis), out var byAxis)) return byAxis;
        var dim = tensorType?.Shape?.Dim is { } shape && axis < shape.Count ? shape[axis] : null;
        if (dim is { HasDimParam: true } && dims.TryGetValue(dim.DimParam, out var byName)) return byName;
        return AxisLetter(tensorType, axis) is { } letter && dims.TryGetValue(letter, out var byLetter) ? byLetter : null;
    }

    /// <summary>How Dims names one axis of one tensor: <c>input[1]</c>.</summary>
    public static string AxisKey(string tensor, int axis) => $"{tensor}[{axis}]";

    /// <summary>
    /// Exporters often name image axes "p2o.DynamicDimension.1" or "unk__12"; users think in N, H, W. For a
    /// rank-4 image input (channels fixed at axis 1: NCHW, or at axis 3: NHWC) a dim the user's Dims does not
    /// name is looked up under its axis letter too.
    /// </summary>
    private static string? AxisLetter(TypeProto.Types.Tensor? tensorType, int axis)
    {
        var d = tensorType?.Shape?.Dim;
        if (d is null || d.Count != 4) return null;
        if (d[1].HasDimValue && !d[3].HasDimValue) return axis switch { 0 => "N", 1 => "C", 2 => "H", _ => "W" };
        if (d[3].HasDimValue && !d[1].HasDimValue) return axis switch { 0 => "N", 1 => "H", 2 => "W", _ => "C" };
        return null;
    }
}
