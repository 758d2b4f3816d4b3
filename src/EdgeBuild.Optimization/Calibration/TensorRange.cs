namespace EdgeBuild.Optimization.Calibration;

/// <summary>
/// The calibrated range of one activation tensor and its element type as observed at run time, and the mean of
/// each channel (axis 1, over samples and the other axes) when the tensor has one: what weight bias correction needs.
/// </summary>
public sealed record TensorRange(string Name, int ElementType, float Min, float Max, float[]? ChannelMeans = null)
{
    /// <summary>
    /// The tensor's shape when every calibration sample gave the same one (null when it varied, or for a value stacked
    /// over loop iterations): the integer kernels' limits depend on it (<see cref="Quantization.KernelLimits"/>).
    /// </summary>
    public IReadOnlyList<long>? Shape { get; init; }
}
