using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>
/// Everything a person needs to judge one optimized model; the pipeline fills it in and
/// <see cref="ReportWriter"/> writes NAME.report.json and a self-contained NAME.report.html.
/// </summary>
public sealed record OptimizationReport
{
    public int SchemaVersion { get; init; } = 1;

    public required string ModelName { get; init; }

    public required string Target { get; init; }

    public required string Precision { get; init; }

    public required long OriginalBytes { get; init; }

    public required long OptimizedBytes { get; init; }

    public int OriginalNodeCount { get; init; }

    public int OptimizedNodeCount { get; init; }

    /// <summary>Accuracy of each model output vs the original on the validation samples.</summary>
    public IReadOnlyList<OutputError> Outputs { get; init; } = [];

    /// <summary>True when <see cref="Outputs"/> were measured on made-up inputs (no ValidationData): a smoke test, not accuracy.</summary>
    public bool OutputsAreSynthetic { get; init; }

    /// <summary>Error of each intermediate value the two models share, in graph order (the per-layer chart).</summary>
    public IReadOnlyList<LayerError> Layers { get; init; } = [];

    public IReadOnlyList<string> QuantizedNodes { get; init; } = [];

    public IReadOnlyList<ExcludedNode> ExcludedNodes { get; init; } = [];

    public MemoryEstimate? Memory { get; init; }

    public long? MaxModelBytes { get; init; }

    public long? MaxPeakMemoryBytes { get; init; }

    /// <summary>Findings as printed (EDGE0220/EDGE0221 about the source, EDGE0301/EDGE0302 budgets).</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>Wall time per pipeline stage, in the order they ran.</summary>
    public IReadOnlyList<StageTime> Stages { get; init; } = [];

    public OptimizationPlan? Plan { get; init; }

    /// <summary>"hit", "miss" or "disabled".</summary>
    public string? Cache { get; init; }

    public IReadOnlyList<string> Notes { get; init; } = [];
}

public sealed record OutputError(string Name, double SqnrDb, double? WorstSampleSqnrDb = null, double? MaxAbsError = null, double? Cosine = null)
{
    /// <summary>The budgets on this output (task metrics or the default SQNR) as measured.</summary>
    public IReadOnlyList<OutputMetric> Metrics { get; init; } = [];
}

/// <summary>SQNR (dB) of one intermediate value of the optimized model vs the original's.</summary>
public sealed record LayerError(string Name, string OpType, double SqnrDb);

public sealed record ExcludedNode(string Name, string Reason);

public sealed record StageTime(string Stage, double Milliseconds);
