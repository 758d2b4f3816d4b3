namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Empirical bias correction (Nagel et al., "Data-Free Quantization", 2019, section 4.2): rounding a Conv's weights
/// shifts each output channel's mean by E[(W_q − W) x] = Σ (W_q − W)[c, i, k] · E[x_i], which a float or int32 bias
/// can absorb exactly. E[x_i] is the calibration mean of input channel i. Only the mean shift goes: the rest of the
/// rounding noise is left as is. Border taps over padding see zeros, not the mean; that part is not corrected.
/// Applied by the calibrated path to Convs computed in float (<see cref="QdqEmitter"/>, calibration means) and by the
/// data-free plan to every compressed layer (<see cref="Compression.DataFreeBiasCorrection"/>, means on made-up inputs).
/// </summary>
internal static class WeightBiasCorrection
{
    /// <summary>
    /// What to add to each output channel's bias of a Conv with weights <paramref name="weights"/> [Cout, Cin/group, k...]
    /// rounded to <paramref name="dequantized"/>, given the mean of each input channel; null when the means do not fit.
    /// </summary>
    public static float[]? Shift(float[] weights, float[] dequantized, long[] dims, long group, float[] inputMeans)
    {
        if (dims.Length < 2 || group < 1) return null;
        var outChannels = (int)dims[0];
        var inPerGroup = (int)dims[1];
        if (outChannels % group != 0 || inputMeans.Length != inPerGroup * group) return null;
        var kernel = weights.Length / (outChannels * inPerGroup);
        var outPerGroup = outChannels / (int)group;
        var shift = new float[outChannels];
        for (var c = 0; c < outChannels; c++)
        {
            var firstInput = c / outPerGroup * inPerGroup;
            double sum = 0;
            for (var i = 0; i < inPerGroup; i++)
            {
                var mean = inputMeans[firstInput + i];
                var start = ((c * inPerGroup) + i) * kernel;
                for (var k = 0; k < kernel; k++) sum += (dequantized[start + k] - weights[start + k]) * (double)mean;
            }

            shift[c] = (float)-sum;
        }

        return shift;
    }

    /// <summary>
    /// The same for y = x·B (+ bias), B [K, N] (or [N, K] with <paramref name="transposed"/>, Gemm's transB), given the
    /// mean of each of the K input features; null when the means do not fit.
    /// </summary>
    public static float[]? LinearShift(float[] weights, float[] dequantized, long[] dims, bool transposed, float[] inputMeans)
    {
        if (dims.Length != 2) return null;
        var (rows, columns) = ((int)dims[0], (int)dims[1]);
        var (inputs, outputs) = transposed ? (columns, rows) : (rows, columns);
        if (inputMeans.Length != inputs) return null;
        var sums = new double[outputs];
        for (var k = 0; k < inputs; k++)
        {
            for (var n = 0; n < outputs; n++)
            {
                var at = transposed ? (n * columns) + k : (k * columns) + n;
                sums[n] += (dequantized[at] - weights[at]) * (double)inputMeans[k];
            }
        }

        return [.. sums.Select(s => (float)-s)];
    }
}
