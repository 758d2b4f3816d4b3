using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Pipeline;

/// <summary>
/// What the plan's steps share while one model is optimized: the request and profile they were planned from, the
/// model being rewritten, the float reference it is checked against, and what earlier steps measured. Each step
/// reads what it needs and records what later steps or the report use; nothing here is decided twice.
/// </summary>
internal sealed class PipelineState(OptimizeRequest request, DeviceProfile profile, ModelProto model, PassContext context)
{
    public OptimizeRequest Request { get; } = request;

    public DeviceProfile Profile { get; } = profile;

    /// <summary>The model the steps rewrite in place; the write step saves it.</summary>
    public ModelProto Model { get; set; } = model;

    public PassContext Context { get; } = context;

    /// <summary>The plan's precision, "auto" resolved.</summary>
    public Precision Precision { get; init; }

    /// <summary>The cleaned-up float model every check compares against (cleanup is exact); set by the cleanup step.</summary>
    public ModelProto? Reference { get; set; }

    private byte[]? referenceBytes;

    public byte[] ReferenceBytes => referenceBytes ??= (Reference ?? throw new InvalidOperationException("the cleanup step sets the reference model")).ToByteArray();

    public IReadOnlyDictionary<string, int> PassRewrites { get; set; } = new Dictionary<string, int>();

    /// <summary>Calibration samples, opened by the calibrate step.</summary>
    public SampleSource? Calibration { get; set; }

    /// <summary>Held-out samples the checks run on: validation data, else a share of the calibration data.</summary>
    public SampleSource? Validation { get; set; }

    /// <summary>Activation ranges measured so far, by tensor name; the fallback's re-quantizations reuse them.</summary>
    public Dictionary<string, TensorRange> Ranges { get; } = new(StringComparer.Ordinal);

    public QuantizationOptions? Quantization { get; set; }

    public QuantizationSummary? QuantizationSummary { get; set; }

    /// <summary>The latest check of the model against the reference (empty when no samples were available).</summary>
    public IReadOnlyList<OutputComparison> Accuracy { get; set; } = [];

    /// <summary>The budget <see cref="Accuracy"/> is judged by (task metrics, default SQNR); set by the step that measured it.</summary>
    public AccuracyBudget? AccuracyBudget { get; set; }

    public IReadOnlyList<LayerError> Layers { get; set; } = [];

    public string? Sha256 { get; set; }

    public long OptimizedBytes { get; set; }

    /// <summary>The external data file written next to the model and its SHA-256, or null when the model is inline.</summary>
    public string? ExternalDataPath { get; set; }

    public string? ExternalDataSha256 { get; set; }

    public BudgetOutcome? Budget { get; set; }

    public StageClock Clock { get; } = new();

    /// <summary>The step ids in the order they ran: what `--explain` printed, proven by the tests.</summary>
    public List<string> ExecutedSteps { get; } = [];

    public void Report(string stage, string detail, int? done = null, int? total = null) =>
        Request.Progress?.Report(new ProgressEvent(stage, detail, done, total));
}
