namespace EdgeBuild.Optimization.Passes;

/// <summary>Per-output-channel arithmetic on Conv / ConvTranspose weights, shared by the folding passes.</summary>
public static class ConvWeights
{
    /// <summary>
    /// Multiplies every weight of output channel m by factor[m]. Conv weights are [M, C/g, k...] (axis 0 is the
    /// output channel); ConvTranspose weights are [C, M/g, k...] (output channel = group·(M/g) + j).
    /// </summary>
    public static void ScaleOutputChannels(float[] weight, long[] dims, float[] factor, bool transpose, long group)
    {
        long inner = 1;
        for (var i = 2; i < dims.Length; i++) inner *= dims[i];
        if (!transpose)
        {
            // One contiguous block per output channel; no per-element division: this runs over every Conv weight.
            var perChannel = weight.Length / factor.Length;
            for (var c = 0; c < factor.Length; c++)
            {
                var f = factor[c];
                foreach (ref var w in weight.AsSpan(c * perChannel, perChannel)) w *= f;
            }

            return;
        }

        var inChannels = dims[0];
        var outPerGroup = dims[1];
        var inPerGroup = inChannels / group;
        for (long c = 0; c < inChannels; c++)
        {
            var g = c / inPerGroup;
            for (long j = 0; j < outPerGroup; j++)
            {
                var f = factor[g * outPerGroup + j];
                var start = (c * outPerGroup + j) * inner;
                for (long k = 0; k < inner; k++) weight[start + k] *= f;
            }
        }
    }
}
