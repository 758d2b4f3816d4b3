namespace EdgeBuild.Optimization.Quantization;

/// <summary>Scale and zero point of a per-tensor quantized value; x ≈ (q − zeroPoint) · scale.</summary>
public readonly record struct QuantParams(float Scale, int ZeroPoint, bool Signed)
{
    public int QMin => Signed ? -128 : 0;
    public int QMax => Signed ? 127 : 255;

    /// <summary>
    /// Parameters covering [min, max] (widened to include 0 so zero is exact, which padding and Relu need).
    /// Symmetric parameters center the range on 0 (zero point 0, or 128 for uint8).
    /// </summary>
    public static QuantParams ForRange(float min, float max, bool signed, bool symmetric)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        int qmin = signed ? -128 : 0, qmax = signed ? 127 : 255;
        if (symmetric)
        {
            var absMax = Math.Max(Math.Abs(min), Math.Abs(max));
            var s = absMax == 0 ? 1f : absMax / ((qmax - qmin) / 2f);
            return new QuantParams(s, signed ? 0 : 128, signed);
        }

        if (max == min) return new QuantParams(1f, signed ? 0 : 0, signed);
        var scale = (max - min) / (qmax - qmin);
        var zeroPoint = (int)Math.Round(qmin - min / scale, MidpointRounding.ToEven);
        return new QuantParams(scale, Math.Clamp(zeroPoint, qmin, qmax), signed);
    }

    /// <summary>
    /// The same scale with the zero point lowered, if needed, so the lowest representable value, (QMin − zeroPoint)·scale,
    /// is not below <paramref name="floor"/> (≤ 0). Costs at most one step at the top of the range.
    /// </summary>
    public QuantParams WithLowestValueAtLeast(float floor)
    {
        if (floor > 0 || Scale * (QMin - ZeroPoint) >= floor) return this;
        var zeroPoint = (int)Math.Floor(QMin - floor / Scale);
        while (zeroPoint > QMin && Scale * (QMin - zeroPoint) < floor) zeroPoint--; // float rounding of the division
        return this with { ZeroPoint = Math.Clamp(zeroPoint, QMin, QMax) };
    }

    public int Quantize(float value) => (int)Math.Clamp(Math.Round(value / Scale, MidpointRounding.ToEven) + ZeroPoint, QMin, QMax);
}
