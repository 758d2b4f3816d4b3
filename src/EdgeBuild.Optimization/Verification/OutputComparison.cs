namespace EdgeBuild.Optimization.Verification;

/// <summary>
/// How far a candidate output is from the reference over a stream of samples: a few numbers per sample (never the
/// tensors), from which every metric of <see cref="AccuracyMetrics.Table"/> is computed per sample and then taken on
/// the worst sample or averaged (<see cref="Value"/>). The legacy figures (pooled SQNR, worst-sample SQNR, max
/// |error|, cosine, top-1) stay as properties.
/// </summary>
/// <param name="name">The output's name.</param>
/// <param name="requirements">
/// The budgets on this output whose per-sample counts depend on their parameters (agreement@T, argmax(blank=K), ctc);
/// others need nothing extra. A requirement not given here is measured with defaults only when parameter-free.
/// </param>
public sealed class OutputComparison(string name, IReadOnlyList<AccuracyRequirement>? requirements = null)
{
    /// <summary>Per sample: Σref², Σ(ref−cand)², element count, Σref·cand, Σcand², max |error|, and per requirement (agreeing, counted).</summary>
    private sealed record SampleStats(double Signal, double Noise, long Elements, double Dot, double CandNorm, double MaxAbs, int Rows, int AgreeingRows, (long Agree, long Count)[] Counts);

    private readonly List<SampleStats> _samples = [];
    private readonly IReadOnlyList<AccuracyRequirement> _requirements = requirements ?? [];

    public string Name { get; } = name;

    public int Samples => _samples.Count;

    /// <summary>
    /// Mean square of the reference below which a sample counts as carrying "almost no signal": its SQNR is measured
    /// against this power instead of its own (see docs/accuracy.md). 0 = none; set from the validation set and the
    /// output's calibrated range by <see cref="AccuracyBudget"/>.
    /// </summary>
    public double SignalFloor { get; private set; }

    /// <summary>
    /// Sets <see cref="SignalFloor"/> once every sample is in: the validation set's own mean square (a sample is
    /// measured against at least the average signal the output carries), or <paramref name="fullScaleFloor"/> when
    /// larger (all samples nearly empty). Pooled SQNR is unchanged by the first part (see <see cref="Value"/>).
    /// </summary>
    public void ApplySignalFloor(double fullScaleFloor)
    {
        var elements = _samples.Sum(s => s.Elements);
        var pooled = elements == 0 ? 0 : _samples.Sum(s => s.Signal) / elements;
        SignalFloor = Math.Max(double.IsFinite(pooled) ? pooled : 0, fullScaleFloor);
    }

    public double MaxAbsError => _samples.Count == 0 ? 0 : _samples.Select(s => s.MaxAbs).Aggregate(0.0, (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b));

    /// <summary>Pooled SQNR over all samples (Σ signal / Σ noise), each sample's signal at least <see cref="SignalFloor"/>.</summary>
    public double SqnrDb => Value(new AccuracyRequirement(Name, AccuracyMetricKind.Sqnr, 0, Mean: true));

    public double WorstSampleSqnrDb => _samples.Count == 0 ? double.PositiveInfinity : Value(new AccuracyRequirement(Name, AccuracyMetricKind.Sqnr, 0));

    public double Cosine
    {
        get
        {
            double dot = _samples.Sum(s => s.Dot), r = _samples.Sum(s => s.Signal), c = _samples.Sum(s => s.CandNorm);
            return CosineOf(dot, r, c);
        }
    }

    /// <summary>Share of rows whose argmax agrees, or null when the output is not classifier-shaped.</summary>
    public double? Top1Agreement => _samples.Sum(s => s.Rows) == 0 ? null : (double)_samples.Sum(s => s.AgreeingRows) / _samples.Sum(s => s.Rows);

    public void Add(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, IReadOnlyList<long> shape)
    {
        if (reference.Length != candidate.Length)
            throw new InvalidOperationException($"Output '{Name}' has {candidate.Length} values in the candidate but {reference.Length} in the original.");
        double signal = 0, noise = 0, dot = 0, candNorm = 0, maxAbs = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            double r = reference[i], c = candidate[i], e = r - c;
            signal += r * r;
            noise += e * e;
            dot += r * c;
            candNorm += c * c;
            var abs = Math.Abs(e);
            if (abs > maxAbs || double.IsNaN(abs)) maxAbs = double.IsNaN(maxAbs) ? maxAbs : abs;
        }

        int rows = 0, agreeing = 0;
        if (shape.Count == 2 && shape[1] > 1) (agreeing, rows) = ArgmaxAgreement(reference, candidate, (int)shape[1], blank: null);

        var counts = new (long, long)[_requirements.Count];
        for (var k = 0; k < _requirements.Count; k++)
        {
            var req = _requirements[k];
            counts[k] = req.Kind switch
            {
                AccuracyMetricKind.Agreement => SameSide(reference, candidate, req.At, req.Epsilon),
                AccuracyMetricKind.Iou => Overlap(reference, candidate, req.At),
                AccuracyMetricKind.Argmax when shape.Count >= 2 && shape[^1] > 1 => ArgmaxAgreement(reference, candidate, (int)shape[^1], req.Blank),
                AccuracyMetricKind.Ctc when shape.Count >= 2 && shape[^1] > 1 => CtcTextAgreement.Count(reference, candidate, (int)shape[^2], (int)shape[^1], req.Blank ?? 0),
                _ => (0, 0),
            };
        }

        _samples.Add(new SampleStats(signal, noise, reference.Length, dot, candNorm, maxAbs, rows, agreeing, counts));
    }

    /// <summary>
    /// The requirement's metric on the worst sample (or the mean over samples when it says mean). NaN when the
    /// metric does not apply (top1 on a tensor that is not [N, classes]) or a candidate value is NaN: never holds.
    /// A sample with nothing to count (every position blank, every element within ε of T, no element above T on either side for iou) agrees fully.
    /// </summary>
    public double Value(AccuracyRequirement requirement)
    {
        if (_samples.Count == 0) return double.NaN;
        var index = IndexOf(requirement);
        var perSample = new List<double>();
        foreach (var s in _samples)
        {
            var value = requirement.Kind switch
            {
                AccuracyMetricKind.Sqnr => ToDb(Math.Max(s.Signal, SignalFloor * s.Elements), s.Noise),
                AccuracyMetricKind.Cosine => double.IsNaN(s.Noise) ? double.NaN : CosineOf(s.Dot, s.Signal, s.CandNorm),
                AccuracyMetricKind.MaxAbs => s.MaxAbs,
                AccuracyMetricKind.Top1 => s.Rows == 0 ? double.NaN : (double)s.AgreeingRows / s.Rows,
                _ => index < 0 ? double.NaN : s.Counts[index].Count == 0 ? 1 : (double)s.Counts[index].Agree / s.Counts[index].Count,
            };
            perSample.Add(value);
        }

        if (perSample.Any(double.IsNaN)) return double.NaN;
        if (!requirement.Mean) return requirement.Info.HigherIsBetter ? perSample.Min() : perSample.Max();
        // Pooled, the set's own mean square is already the signal: only an all-but-empty set is lifted to the floor.
        // (Lifting each sample to the set's mean first would inflate pooled SQNR whenever samples differ in signal.)
        if (requirement.Kind == AccuracyMetricKind.Sqnr)
            return ToDb(Math.Max(_samples.Sum(s => s.Signal), SignalFloor * _samples.Sum(s => s.Elements)), _samples.Sum(s => s.Noise));
        return perSample.Average();
    }

    /// <summary>The same requirement's counts were collected at Add (by output-independent equality of its parameters).</summary>
    private int IndexOf(AccuracyRequirement requirement)
    {
        for (var k = 0; k < _requirements.Count; k++)
        {
            var r = _requirements[k];
            if (r.Kind == requirement.Kind && r.At.Equals(requirement.At) && r.Epsilon.Equals(requirement.Epsilon) && r.Blank == requirement.Blank) return k;
        }

        return -1;
    }

    private static (long Agree, long Count) SameSide(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, double t, double epsilon)
    {
        long agree = 0, count = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            double r = reference[i], c = candidate[i];
            if (double.IsNaN(r) || Math.Abs(r - t) < epsilon) continue;
            count++;
            if ((r > t) == (c > t)) agree++; // NaN candidate: c > t is false, agrees only with a reference below T
        }

        return (agree, count);
    }

    /// <summary>
    /// Elements above T in both (Agree) and in either (Count): the regions' intersection over union. A NaN candidate
    /// element counts in the union only; a NaN reference element is skipped.
    /// </summary>
    private static (long Agree, long Count) Overlap(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, double t)
    {
        long both = 0, either = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            double r = reference[i], c = candidate[i];
            if (double.IsNaN(r)) continue;
            bool inReference = r > t, inCandidate = c > t || double.IsNaN(c);
            if (!inReference && !inCandidate) continue;
            either++;
            if (inReference && inCandidate && !double.IsNaN(c)) both++;
        }

        return (both, either);
    }

    /// <summary>Argmax over the last axis per position; positions where both pick <paramref name="blank"/> are skipped.</summary>
    private static (int Agree, int Count) ArgmaxAgreement(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, int classes, int? blank)
    {
        int agree = 0, count = 0;
        for (var row = 0; row < reference.Length / classes; row++)
        {
            var a = ArgMax(reference.Slice(row * classes, classes));
            var b = ArgMax(candidate.Slice(row * classes, classes));
            if (blank == a && a == b) continue;
            count++;
            if (a == b) agree++;
        }

        return (agree, count);
    }

    /// <summary>Index of the largest value; a NaN anywhere makes it -1 (agrees with nothing).</summary>
    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i])) return -1;
            if (values[i] > values[best]) best = i;
        }

        return best;
    }

    private static double CosineOf(double dot, double refNorm, double candNorm) =>
        double.IsNaN(dot) || double.IsNaN(candNorm) ? double.NaN : refNorm == 0 || candNorm == 0 ? (refNorm == candNorm ? 1 : 0) : dot / Math.Sqrt(refNorm * candNorm);

    private static double ToDb(double signal, double noise) =>
        double.IsNaN(noise) ? double.NaN : noise == 0 ? double.PositiveInfinity : signal == 0 ? double.NegativeInfinity : 10 * Math.Log10(signal / noise);
}
