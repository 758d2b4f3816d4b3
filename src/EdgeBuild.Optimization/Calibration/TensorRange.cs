namespace EdgeBuild.Optimization.Calibration;

/// <summary>The calibrated range of one activation tensor and its element type as observed at run time.</summary>
public sealed record TensorRange(string Name, int ElementType, float Min, float Max);
