using System.Globalization;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Optimization.Verification;

/// <summary>One metric measured on one output against its budget: what verify prints, the report and EDGE0201 show.</summary>
public sealed record MetricResult(string Output, AccuracyRequirement Requirement, double Value)
{
    public bool Holds => Requirement.Holds(Value);

    public string Measured => double.IsNaN(Value) ? "n/a" : AccuracyMetrics.FormatValue(Requirement.Kind, Value);

    /// <summary>The threshold as written: "&gt;= 99.5%", "&lt;= 0.05".</summary>
    public string Budget => (Requirement.Info.HigherIsBetter ? ">= " : "<= ") + AccuracyMetrics.FormatValue(Requirement.Kind, Requirement.Threshold);

    public override string ToString() => $"{Output}: {Requirement.Metric()} {Measured} ({(Holds ? "holds" : "misses")} {Budget})";
}

/// <summary>
/// The accuracy budget of one optimization: the task metrics the user named per output (<see cref="AccuracyMetrics"/>),
/// and for every other float output the default pooled SQNR ≥ MinSqnrDb. The verify step, the fallback and the
/// report all ask this one object whether a candidate holds.
/// </summary>
public sealed class AccuracyBudget(double minSqnrDb, IReadOnlyList<AccuracyRequirement> requirements)
{
    public double MinSqnrDb { get; } = minSqnrDb;

    public IReadOnlyList<AccuracyRequirement> Requirements { get; } = requirements;

    /// <summary>Parses a spec; a bad one is EDGE0002 naming <paramref name="file"/> and the fix.</summary>
    public static AccuracyBudget From(double minSqnrDb, string? spec, string file)
    {
        try
        {
            return new AccuracyBudget(minSqnrDb, AccuracyMetrics.Parse(spec));
        }
        catch (AccuracySpecException e)
        {
            throw new OptimizationInputException(DiagnosticCodes.Usage, file, e.Message.TrimEnd('.'), "Syntax: " + AccuracyMetrics.Syntax);
        }
    }

    /// <summary>The requirements on one output: those naming it or "*", else the default SQNR budget.</summary>
    public IReadOnlyList<AccuracyRequirement> For(string output)
    {
        var named = Requirements.Where(r => r.Output == output || r.Output == "*").Select(r => r with { Output = output }).ToList();
        return named.Count > 0 ? named : [new AccuracyRequirement(output, AccuracyMetricKind.Sqnr, MinSqnrDb, Mean: true)];
    }

    /// <summary>Whether the user named this output (or "*"), as opposed to it falling back to the default SQNR.</summary>
    public bool Names(string output) => Requirements.Any(r => r.Output == output || r.Output == "*");

    /// <summary>A budget naming an output the model does not have is a typo, not a budget that always holds.</summary>
    public void CheckOutputs(IReadOnlyCollection<string> floatOutputs, string file)
    {
        var unknown = Requirements.Select(r => r.Output).Where(o => o != "*" && !floatOutputs.Contains(o)).Distinct().ToList();
        if (unknown.Count > 0)
            throw new OptimizationInputException(DiagnosticCodes.Usage, file, $"the accuracy budget names output(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))} the model does not have as float outputs",
                $"Name one of: {string.Join(", ", floatOutputs)} (or * for every output)");
    }

    /// <summary>Runs both models on the samples and measures every requirement's counts (see <see cref="ModelVerifier"/>).</summary>
    /// <param name="original">The reference model's bytes.</param>
    /// <param name="candidate">The model checked against it.</param>
    /// <param name="samples">Validation samples, each run through both.</param>
    /// <param name="target">The candidate runs with the target's ORT settings (null: defaults).</param>
    /// <param name="ranges">Calibrated ranges: an output's full scale sets the floor of "almost no signal" (see <see cref="SignalFloorOf"/>).</param>
    /// <param name="progress">Hears after each sample ("verifying 3/10 samples"), or null.</param>
    public IReadOnlyList<OutputComparison> Compare(byte[] original, byte[] candidate, SampleSource samples, DeviceProfile? target, IReadOnlyDictionary<string, TensorRange>? ranges = null,
        IProgress<ProgressEvent>? progress = null) =>
        ModelVerifier.Compare(original, candidate, samples, target, progress, this, name => SignalFloorOf(ranges, name));

    /// <summary>The same against reference outputs computed once (the fallback's attempts): same figures, half the runs.</summary>
    public IReadOnlyList<OutputComparison> Compare(ReferenceOutputs reference, byte[] candidate, SampleSource samples, DeviceProfile? target, IReadOnlyDictionary<string, TensorRange>? ranges = null,
        IProgress<ProgressEvent>? progress = null) =>
        ModelVerifier.Compare(reference, candidate, samples, target, progress, this, name => SignalFloorOf(ranges, name));

    /// <summary>
    /// The one rule for judging a candidate during the build: compared as the write step will store it
    /// (<see cref="FloatOpWeightsAsCastMul.AsWritten"/>: float-read int8 weights as Cast→Mul, which ORT pre-packs and sums
    /// in another order), not as it stands now. A metric sitting on its threshold reads differently in the two forms
    /// (PP-OCRv4 det: 99.012 % iou@0.3 measured, 98.939 % written), so every choice that decides bytes measures this form.
    /// </summary>
    internal IReadOnlyList<OutputComparison> CompareAsWritten(ReferenceOutputs reference, ModelProto candidate, SampleSource samples, DeviceProfile? target,
        IReadOnlyDictionary<string, TensorRange>? ranges = null, IProgress<ProgressEvent>? progress = null) =>
        Compare(reference, FloatOpWeightsAsCastMul.AsWritten(candidate), samples, target, ranges, progress);

    public IReadOnlyList<MetricResult> Results(OutputComparison comparison) =>
        For(comparison.Name).Select(r => new MetricResult(comparison.Name, r, comparison.Value(r))).ToList();

    public IReadOnlyList<MetricResult> Results(IReadOnlyList<OutputComparison> comparisons) => comparisons.SelectMany(Results).ToList();

    public bool Meets(IReadOnlyList<OutputComparison> comparisons) => comparisons.All(c => Results(c).All(m => m.Holds));

    /// <summary>The requirement closest to failing (or failing worst), for progress lines: "sigmoid: agreement@0.3 99.1% of >= 99.5%".</summary>
    public string Worst(IReadOnlyList<OutputComparison> comparisons)
    {
        var worst = Results(comparisons).OrderBy(Margin).FirstOrDefault();
        return worst is null ? "no float output" : worst.ToString();
    }

    /// <summary>How far a result is above its threshold, relative (dB for SQNR): negative misses; NaN sorts first.</summary>
    private static double Margin(MetricResult m)
    {
        if (double.IsNaN(m.Value)) return double.NegativeInfinity;
        var r = m.Requirement;
        return r.Kind switch
        {
            AccuracyMetricKind.Sqnr => (m.Value - r.Threshold) / 10,
            AccuracyMetricKind.MaxAbs => r.Threshold == 0 ? -m.Value : (r.Threshold - m.Value) / r.Threshold,
            _ => (m.Value - r.Threshold) / Math.Max(1e-9, 1 - r.Threshold),
        };
    }

    /// <summary>
    /// The mean square below which a sample counts as carrying almost no signal: a hundredth of the output's
    /// calibrated full scale squared (20 dB below it). A detector's probability map over a photo without text is ~0
    /// everywhere: measured against its own signal, any rounding is "all noise" (0.69 dB); measured against what the
    /// output carries at full scale, the same rounding is 40 dB down. 0 when no range was calibrated.
    /// </summary>
    public static double SignalFloorOf(IReadOnlyDictionary<string, TensorRange>? ranges, string output)
    {
        if (ranges is null || !ranges.TryGetValue(output, out var range)) return 0;
        var peak = Math.Max(Math.Abs((double)range.Min), Math.Abs((double)range.Max));
        return double.IsFinite(peak) ? peak * peak / 100 : 0;
    }

    public string Describe() => Requirements.Count == 0
        ? string.Create(CultureInfo.InvariantCulture, $"every output's SQNR ≥ {MinSqnrDb:0.##} dB")
        : string.Join("; ", Requirements.Select(r => r.ToString())) + string.Create(CultureInfo.InvariantCulture, $" (other outputs: SQNR ≥ {MinSqnrDb:0.##} dB)");
}
