using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Planning;

/// <summary>The item's options that shape a plan (EdgeModel metadata / `optimize` options).</summary>
public sealed record PlannerOptions
{
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Node names the user keeps in float, on top of what sensitivity analysis excludes.</summary>
    public IReadOnlyList<string> ExcludeNodes { get; init; } = [];

    /// <summary>Minimum SQNR (dB) of every output vs the original; the pipeline's default when null.</summary>
    public double? MinSqnrDb { get; init; }

    public CalibrationMethod CalibrationMethod { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Calibration samples (file, folder or glob), or null.</summary>
    public string? CalibrationData { get; init; }

    /// <summary>Validation samples, or null (then the calibration samples are reused, and the report says so).</summary>
    public string? ValidationData { get; init; }

    /// <summary>Values for symbolic dims, e.g. N=1, H=640, W=640 (item Dims).</summary>
    public IReadOnlyDictionary<string, long> Dims { get; init; } = new Dictionary<string, long>();

    /// <summary>Over-budget size or memory is an error (exit 1) rather than a warning.</summary>
    public bool FailOnBudget { get; init; }

    /// <summary>Offline ORT optimization level asked for; capped at the profile's portable maximum.</summary>
    public GraphOptimizationLevel? OfflineOptimizationLevel { get; init; }
}

public enum CalibrationMethod
{
    /// <summary>Running min/max per tensor: cheap, exact ranges, sensitive to outliers.</summary>
    MinMax,

    /// <summary>Running histogram, range clipped at a high percentile: robust to rare outliers.</summary>
    Percentile,

    /// <summary>Running histogram, range minimizing the KL divergence of the quantized distribution.</summary>
    Entropy,
}
