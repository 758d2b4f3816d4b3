using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Compression;
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
internal sealed class PipelineState(OptimizeRequest request, DeviceProfile profile, ModelProto model, long sourceBytes, PassContext context)
{
    public OptimizeRequest Request { get; } = request;

    public DeviceProfile Profile { get; } = profile;

    /// <summary>The model the steps rewrite in place; the write step saves it.</summary>
    public ModelProto Model { get; set; } = model;

    public PassContext Context { get; } = context;

    /// <summary>The source model's size on disk, what every size ratio is against.</summary>
    public long SourceBytes { get; } = sourceBytes;

    /// <summary>The plan's precision, "auto" resolved.</summary>
    public Precision Precision { get; init; }

    /// <summary>
    /// The cleaned-up float model every check compares against (cleanup is exact); set by the cleanup step, and replaced
    /// by its float32 form when the source stores float16 weights (the widen-float16 step) and by its rewritten form in the
    /// data-free plan (the fold-and-fuse step, exact up to float rounding).
    /// </summary>
    public ModelProto? Reference
    {
        get => reference;
        set
        {
            reference = value;
            referenceBytes = null;
        }
    }

    private ModelProto? reference;
    private byte[]? referenceBytes;

    public byte[] ReferenceBytes => referenceBytes ??= (Reference ?? throw new InvalidOperationException("the cleanup step sets the reference model")).ToByteArray();

    public IReadOnlyDictionary<string, int> PassRewrites { get; set; } = new Dictionary<string, int>();

    /// <summary>Initializers the widen-float16 step made float32 from float16; restore-float16-weights narrows those still float.</summary>
    public IReadOnlySet<string> WidenedFloat16 { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Calibration samples, opened by the calibrate step.</summary>
    public SampleSource? Calibration { get; set; }

    /// <summary>Held-out samples the checks run on: validation data, else a share of the calibration data.</summary>
    public SampleSource? Validation { get; set; }

    /// <summary>Inputs made up from the declared dims when the user gave no data (the synthesize-inputs step).</summary>
    public IReadOnlyList<Sample>? SyntheticSamples { get; set; }

    /// <summary>Why no inputs could be made up (then nothing runs the model before it is written), or null.</summary>
    public string? SyntheticSamplesMissing { get; set; }

    /// <summary>What the data-free weight compression did, when the plan ran it.</summary>
    public DataFreeWeightCompression.Result? DataFreeWeights { get; set; }

    /// <summary>Activation ranges measured so far, by tensor name; the fallback's re-quantizations reuse them.</summary>
    public Dictionary<string, TensorRange> Ranges { get; } = new(StringComparer.Ordinal);

    public QuantizationOptions? Quantization { get; set; }

    public QuantizationSummary? QuantizationSummary { get; set; }

    /// <summary>The latest check of the model against the reference (empty when no samples were available).</summary>
    public IReadOnlyList<OutputComparison> Accuracy { get; set; } = [];

    /// <summary>The reference's outputs on <see cref="Validation"/>, computed once by the first step that compares against them.</summary>
    public ReferenceOutputs? ReferenceOutputs { get; set; }

    /// <summary>The budget <see cref="Accuracy"/> is judged by (task metrics, default SQNR); set by the step that measured it.</summary>
    public AccuracyBudget? AccuracyBudget { get; set; }

    /// <summary>True when <see cref="Accuracy"/> was measured on made-up inputs: a smoke test, not an accuracy figure.</summary>
    public bool AccuracyIsSynthetic { get; set; }

    /// <summary>Warnings about the result the build shows (EDGE0220, EDGE0221); budget findings come from <see cref="Budget"/>.</summary>
    public List<Finding> Findings { get; } = [];

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
