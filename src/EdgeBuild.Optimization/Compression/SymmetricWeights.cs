using EdgeBuild.Optimization.Quantization;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Symmetric integer weights with one scale per channel, computed from the weights alone. int8: the rounding and range
/// are <see cref="QuantParams.ForRange"/>'s (the calibrated path's rule), with an optional clip per channel chosen to
/// minimise the squared rounding error (a smaller range rounds the bulk finer at the cost of clipping the tails).
/// int16: max |w| / 32767 per channel, for small weights where 8 bits cost too much accuracy for the bytes they save.
/// </summary>
internal static class SymmetricWeights
{
    /// <summary>Clip ratios tried per channel when clipping is on (1 = the channel's max |w|).</summary>
    private static readonly float[] ClipRatios = [1f, 0.95f, 0.9f, 0.85f, 0.8f, 0.75f, 0.7f, 0.65f, 0.6f, 0.55f, 0.5f];

    /// <summary>
    /// Quantizes <paramref name="weights"/> of <paramref name="dims"/> with a scale per index of the (contiguous) axes
    /// <paramref name="channelAxes"/> (none: one scale). Scales come back in the channel axes' row-major order.
    /// </summary>
    public static (sbyte[] Quantized, float[] Scales) Int8(float[] weights, IReadOnlyList<long> dims, IReadOnlyList<int> channelAxes, bool mseClip)
    {
        var (channels, inner) = Layout(dims, channelAxes);
        var maxAbs = MaxAbs(weights, channels, inner);
        var scales = new float[channels];
        for (var c = 0; c < channels; c++) scales[c] = Params(maxAbs[c]).Scale;
        if (mseClip) ChooseClips(weights, channels, inner, maxAbs, scales);

        var quantized = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            var c = (int)(i / inner % channels);
            quantized[i] = (sbyte)new QuantParams(scales[c], 0, Signed: true).Quantize(weights[i]);
        }

        return (quantized, scales);
    }

    /// <summary>int16 per channel (scales as for <see cref="Int8"/>): rounding error 256 times smaller, at twice int8's bytes.</summary>
    public static (short[] Quantized, float[] Scales) Int16(float[] weights, IReadOnlyList<long> dims, IReadOnlyList<int> channelAxes)
    {
        var (channels, inner) = Layout(dims, channelAxes);
        var scales = MaxAbs(weights, channels, inner).Select(m => m == 0 ? 1f : m / short.MaxValue).ToArray();
        var quantized = new short[weights.Length];
        for (var i = 0; i < weights.Length; i++)
            quantized[i] = (short)Math.Clamp(MathF.Round(weights[i] / scales[i / inner % channels], MidpointRounding.ToEven), -short.MaxValue, short.MaxValue);
        return (quantized, scales);
    }

    private static float[] MaxAbs(float[] weights, long channels, long inner)
    {
        var maxAbs = new float[channels];
        for (var i = 0; i < weights.Length; i++)
        {
            var c = (int)(i / inner % channels);
            maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(weights[i]));
        }

        return maxAbs;
    }

    /// <summary>Number of channels and the element stride of one channel step (the product of the dims after the channel axes).</summary>
    private static (long Channels, long Inner) Layout(IReadOnlyList<long> dims, IReadOnlyList<int> axes)
    {
        if (axes.Count == 0) return (1, Math.Max(1, dims.Aggregate(1L, (a, d) => a * d)));
        long channels = 1, inner = 1;
        foreach (var a in axes) channels *= dims[a];
        for (var d = axes.Max() + 1; d < dims.Count; d++) inner *= dims[d];
        return (channels, inner);
    }

    private static QuantParams Params(float maxAbs) => QuantParams.ForRange(-maxAbs, maxAbs, signed: true, symmetric: true);

    private static void ChooseClips(float[] weights, long channels, long inner, float[] maxAbs, float[] scales)
    {
        var best = new double[channels];
        Array.Fill(best, double.MaxValue);
        foreach (var ratio in ClipRatios)
        {
            var error = new double[channels];
            var trial = new float[channels];
            for (var c = 0; c < channels; c++) trial[c] = Params(maxAbs[c] * ratio).Scale;
            for (var i = 0; i < weights.Length; i++)
            {
                var c = (int)(i / inner % channels);
                var p = new QuantParams(trial[c], 0, Signed: true);
                var d = weights[i] - p.Quantize(weights[i]) * trial[c];
                error[c] += d * d;
            }

            for (var c = 0; c < channels; c++)
            {
                if (error[c] < best[c])
                {
                    best[c] = error[c];
                    scales[c] = trial[c];
                }
            }
        }
    }
}
