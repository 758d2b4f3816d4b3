namespace EdgeBuild.Optimization.Calibration;

/// <summary>
/// The calibrated range of one activation tensor and its element type as observed at run time, and the mean of
/// each channel (axis 1, over samples and the other axes) when the tensor has one: what weight bias correction needs.
/// </summary>
public sealed record TensorRange(string Name, int ElementType, float Min, float Max, float[]? ChannelMeans = null);
