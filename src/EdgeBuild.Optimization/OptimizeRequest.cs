using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Optimization;

/// <summary>Everything `edgebuild optimize` was asked to do.</summary>
public sealed record OptimizeRequest
{
    public required string ModelPath { get; init; }
    public required string OutputPath { get; init; }
    /// <summary>A built-in profile id; may be null when <see cref="ProfilePath"/> names a profile that extends one.</summary>
    public required string? TargetId { get; init; }

    /// <summary>A custom profile JSON (--profile FILE / Profile=), resolved through ProfileResolver.</summary>
    public string? ProfilePath { get; init; }

    /// <summary>Over-budget size or peak memory is an error (exit 1) instead of a warning.</summary>
    public bool FailOnBudget { get; init; }

    /// <summary>auto | int8 | uint8 | fp16 | int4 | none.</summary>
    public string Precision { get; init; } = "auto";

    public string? CalibrationData { get; init; }
    public string? ValidationData { get; init; }
    public double MinSqnrDb { get; init; } = Planning.OptimizationPlanner.DefaultMinSqnrDb;
    public IReadOnlyList<string> ExcludeNodes { get; init; } = [];

    /// <summary>
    /// Task metrics per output (AccuracyMetrics syntax: "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%; ..."); outputs it
    /// does not name keep the SQNR budget <see cref="MinSqnrDb"/>. Null: SQNR only.
    /// </summary>
    public string? Accuracy { get; init; }

    /// <summary>
    /// Cap on the accuracy fallback's attempts (one quantization + verification each); null: the profile's
    /// <c>precision.fallbackAttempts</c>. A count, not a time: the same inputs give the same model on any machine.
    /// </summary>
    public int? FallbackAttempts { get; init; }

    /// <summary>
    /// Seconds the accuracy fallback may spend (ranking and attempts) before it settles for its best passing attempt;
    /// null: the profile's <c>precision.fallbackTimeBudget</c>, none when it sets none. Opt-in because a search stopped
    /// by time depends on the machine's speed and load: the note and the report say when it is what stopped the search.
    /// </summary>
    public double? FallbackTimeBudget { get; init; }

    /// <summary>
    /// Opt-in: after its search, the accuracy fallback hands back to int8, one by one and largest first, the float places
    /// that run the most Conv/MatMul MACs while the budget holds (up to 16 attempts past the cap), and notes the trade
    /// priced by ORT's profiler (<see cref="FallbackLatencyCost"/>). Never more float than without it; off by default
    /// because fewer float MACs did not measure faster on the PP-OCRv4 detector (docs/optimization.md).
    /// </summary>
    public bool FallbackLatencyCost { get; init; }

    public string? ManifestPath { get; init; }
    public string? ClassName { get; init; }
    public string? Namespace { get; init; }
    public IReadOnlyDictionary<string, long> Dims { get; init; } = new Dictionary<string, long>();
    public bool Embed { get; init; }
    public string? ReportPath { get; init; }

    /// <summary>
    /// Write the weights to OUT.onnx.data next to the model instead of inline (`--external-data`, the item's
    /// ExternalData="true"). Chosen automatically when the protobuf would exceed 2 GB; the manifest then records the
    /// data file's name and SHA-256 next to the .onnx file's.
    /// </summary>
    public bool ExternalData { get; init; }

    /// <summary>Image preprocessing for calibration/validation images (see ImagePreprocessing.Parse).</summary>
    public string? Preprocess { get; init; }

    /// <summary>
    /// Values for integer inputs when inputs are made up (no data given) and the model does not constrain them:
    /// "NAME=V,V;NAME=V" (see SyntheticSamples.ParseValues).
    /// </summary>
    public string? SyntheticValues { get; init; }

    public CalibrationMethod CalibrationMethod { get; init; } = CalibrationMethod.MinMax;

    /// <summary>
    /// With int8: dynamic quantization of MatMul/Gemm (weights int8 offline, activations at run time; no calibration)
    /// instead of static QDQ. For transformers and RNNs; Conv stays float.
    /// </summary>
    public bool Dynamic { get; init; }

    /// <summary>Receives progress while the optimization runs (see <see cref="ProgressEvent"/>); changes nothing it produces.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IProgress<ProgressEvent>? Progress { get; init; }
}

/// <summary>What an optimization produced; the CLI prints it and writes it as the report.</summary>
public sealed record OptimizeResult
{
    public required string OutputPath { get; init; }
    public required string Target { get; init; }
    public required string Precision { get; init; }
    public required long OriginalBytes { get; init; }
    public required long OptimizedBytes { get; init; }
    public required string Sha256 { get; init; }

    /// <summary>The external data file written next to the model (OUT.onnx.data), or null when the model is inline.</summary>
    public string? ExternalDataPath { get; init; }
    public required int OriginalNodeCount { get; init; }
    public required int OptimizedNodeCount { get; init; }
    public required IReadOnlyDictionary<string, int> PassRewrites { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
    public string? ManifestPath { get; init; }
    public int QuantizedNodes { get; init; }
    public IReadOnlyList<OutputAccuracy> Accuracy { get; init; } = [];

    /// <summary>True when <see cref="Accuracy"/> comes from made-up inputs (no ValidationData): a smoke test of the model, not an accuracy measurement.</summary>
    public bool AccuracyIsSynthetic { get; init; }

    /// <summary>The plan step ids in the order they ran: the plan's steps, every one (tests hold the two equal).</summary>
    public IReadOnlyList<string> ExecutedSteps { get; init; } = [];

    /// <summary>
    /// What the build shows about this model: weights left float (EDGE0220) and the data-free default (EDGE0221), about
    /// the source; exceeded budgets (EDGE0301 size, EDGE0302 peak memory), about the output, errors when the request asked to fail on budget.
    /// </summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>"hit", "miss" or "disabled" (no cache folder).</summary>
    public string Cache { get; init; } = "disabled";

    /// <summary>Everything NAME.report.json/.html show, the plan included.</summary>
    public OptimizationReport? Report { get; init; }

    public double SizeRatio => OriginalBytes == 0 ? 0 : (double)OptimizedBytes / OriginalBytes;
}

/// <summary>Accuracy of one output of the optimized model against the original on the validation samples.</summary>
public sealed record OutputAccuracy(string Name, double SqnrDb, double WorstSampleSqnrDb, double MaxAbsError, double Cosine, double? Top1Agreement)
{
    /// <summary>Each budget on this output (task metrics, or the default SQNR), its measured value and whether it holds.</summary>
    public IReadOnlyList<OutputMetric> Metrics { get; init; } = [];
}

/// <summary>One budget of one output as measured: "agreement@0.3", 0.9987, ">= 99.5%", holds.</summary>
public sealed record OutputMetric(string Metric, double? Value, string Measured, string Budget, bool Holds);
