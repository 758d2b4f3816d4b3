using System.Numerics;

namespace TextDetection;

/// <summary>A detected text region: a rotated rectangle in image pixels (corners clockwise from top-left).</summary>
public sealed record TextBox(Vector2[] Corners, float Score);
