namespace EdgeBuild.Optimization.Verification;

/// <summary>
/// Accumulates how far a candidate output is from the reference over a stream of samples, in O(1) memory:
/// SQNR = 10·log10(Σ ref² / Σ (ref − cand)²) over all samples, the worst per-sample SQNR, max |error|,
/// cosine similarity, and for classifier-shaped outputs ([N, classes]) the top-1 agreement.
/// </summary>
public sealed class OutputComparison(string name)
{
    private double _signal, _noise, _dot, _refNorm, _candNorm;
    private int _rows, _agreeingRows;

    public string Name { get; } = name;

    public int Samples { get; private set; }

    public double MaxAbsError { get; private set; }

    public double WorstSampleSqnrDb { get; private set; } = double.PositiveInfinity;

    public double SqnrDb => ToDb(_signal, _noise);

    public double Cosine => _refNorm == 0 || _candNorm == 0 ? (_refNorm == _candNorm ? 1 : 0) : _dot / Math.Sqrt(_refNorm * _candNorm);

    /// <summary>Share of rows whose argmax agrees, or null when the output is not classifier-shaped.</summary>
    public double? Top1Agreement => _rows == 0 ? null : (double)_agreeingRows / _rows;

    public void Add(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, IReadOnlyList<long> shape)
    {
        if (reference.Length != candidate.Length)
            throw new InvalidOperationException($"Output '{Name}' has {candidate.Length} values in the candidate but {reference.Length} in the original.");
        double signal = 0, noise = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            double r = reference[i], c = candidate[i], e = r - c;
            signal += r * r;
            noise += e * e;
            _dot += r * c;
            _candNorm += c * c;
            var abs = Math.Abs(e);
            if (abs > MaxAbsError || double.IsNaN(abs)) MaxAbsError = abs;
        }

        _signal += signal;
        _noise += noise;
        _refNorm += signal;
        WorstSampleSqnrDb = Math.Min(WorstSampleSqnrDb, ToDb(signal, noise));
        Samples++;

        if (shape.Count == 2 && shape[1] > 1)
        {
            var classes = (int)shape[1];
            for (var row = 0; row < reference.Length / classes; row++)
            {
                _rows++;
                if (ArgMax(reference.Slice(row * classes, classes)) == ArgMax(candidate.Slice(row * classes, classes))) _agreeingRows++;
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }

        return best;
    }

    private static double ToDb(double signal, double noise) =>
        noise == 0 ? double.PositiveInfinity : signal == 0 ? double.NegativeInfinity : 10 * Math.Log10(signal / noise);
}
