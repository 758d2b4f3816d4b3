namespace EdgeBuild.Optimization.Calibration;

/// <summary>
/// A fixed-size histogram of |x| over [0, limit], filled sample by sample (constant memory), from which
/// Percentile and Entropy calibration pick a clipping threshold.
/// </summary>
public sealed class Histogram(float limit, int bins = 2048)
{
    private readonly long[] _counts = new long[bins];

    public float Limit { get; } = limit;

    public long Total { get; private set; }

    public void Add(ReadOnlySpan<float> values)
    {
        if (Limit <= 0) return;
        var scale = _counts.Length / Limit;
        foreach (var v in values)
        {
            var bin = (int)(Math.Abs(v) * scale);
            _counts[Math.Min(bin, _counts.Length - 1)]++;
        }

        Total += values.Length;
    }

    /// <summary>The |x| below which <paramref name="percentile"/> % of the values lie.</summary>
    public float PercentileThreshold(double percentile)
    {
        if (Total == 0) return Limit;
        var target = (long)Math.Ceiling(Total * percentile / 100.0);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target) return (i + 1) * Limit / _counts.Length;
        }

        return Limit;
    }

    /// <summary>
    /// The threshold minimizing the KL divergence between the histogram clipped at it and its quantization to
    /// <paramref name="levels"/> levels (TensorRT's entropy calibration), searched on a coarse grid for speed.
    /// </summary>
    public float EntropyThreshold(int levels = 128)
    {
        if (Total == 0) return Limit;
        var bins = _counts.Length;
        var bestKl = double.PositiveInfinity;
        var best = bins;
        var step = Math.Max(1, bins / 128);
        for (var t = levels; t <= bins; t += step)
        {
            var kl = KlDivergence(t, levels);
            if (kl < bestKl)
            {
                bestKl = kl;
                best = t;
            }
        }

        return best * Limit / bins;
    }

    private double KlDivergence(int threshold, int levels)
    {
        // Reference distribution: bins below the threshold, with the clipped tail added to the last bin.
        var p = new double[threshold];
        for (var i = 0; i < threshold; i++) p[i] = _counts[i];
        for (var i = threshold; i < _counts.Length; i++) p[threshold - 1] += _counts[i];

        // Candidate: the same bins merged into `levels` groups, spread back over their non-empty bins.
        var q = new double[threshold];
        var perLevel = (double)threshold / levels;
        for (var level = 0; level < levels; level++)
        {
            var start = (int)(level * perLevel);
            var end = level == levels - 1 ? threshold : (int)((level + 1) * perLevel);
            double sum = 0;
            var nonEmpty = 0;
            for (var i = start; i < end; i++)
            {
                sum += _counts[i];
                if (_counts[i] != 0) nonEmpty++;
            }

            if (nonEmpty == 0) continue;
            for (var i = start; i < end; i++)
            {
                if (_counts[i] != 0) q[i] = sum / nonEmpty;
            }
        }

        double pSum = p.Sum(), qSum = q.Sum(), kl = 0;
        if (pSum == 0 || qSum == 0) return double.PositiveInfinity;
        for (var i = 0; i < threshold; i++)
        {
            if (p[i] == 0) continue;
            var pi = p[i] / pSum;
            var qi = q[i] / qSum;
            kl += qi == 0 ? pi * 20 : pi * Math.Log(pi / qi); // empty candidate bins: large finite penalty
        }

        return kl;
    }
}
