using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// Per-application overrides for a generated wrapper's session. Every property left <see langword="null"/>
/// keeps the value the device profile compiled into the wrapper (see <see cref="EdgeSessionSettings"/>).
/// </summary>
public sealed class EdgeSessionOptions
{
    /// <summary>
    /// Overrides the profile's intra-op thread count, kept as given. Without it the profile's count is clamped to
    /// the cores this process may use (see <see cref="EdgeEffectiveSessionSettings"/>).
    /// </summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Overrides the profile's inter-op thread count.</summary>
    public int? InterOpThreads { get; set; }

    /// <summary>
    /// Overrides whether idle worker threads spin, kept as given. Without it the profile's value applies, turned off
    /// when the profile's threads would exceed the usable cores.
    /// </summary>
    public bool? AllowSpinning { get; set; }

    /// <summary>Overrides whether the CPU memory arena is used.</summary>
    public bool? EnableCpuMemArena { get; set; }

    /// <summary>Overrides whether memory pattern planning is used.</summary>
    public bool? EnableMemoryPattern { get; set; }

    /// <summary>Overrides the graph optimization level.</summary>
    public GraphOptimizationLevel? GraphOptimizationLevel { get; set; }

    /// <summary>Overrides the execution mode.</summary>
    public ExecutionMode? ExecutionMode { get; set; }

    /// <summary>Overrides the execution providers, in preference order (for example <c>["cuda", "cpu"]</c>).</summary>
    public IReadOnlyList<string>? ExecutionProviders { get; set; }

    /// <summary>
    /// Whether the model's bytes must match the SHA-256 compiled into the wrapper (default <see langword="true"/>).
    /// Turn it off only to load a different model with the same signature on purpose; the inputs and outputs
    /// are still checked against the wrapper's.
    /// </summary>
    public bool VerifyModelHash { get; set; } = true;

    /// <summary>
    /// Whether this session reports metrics and traces on the <c>EdgeBuild.Runtime</c> meter and activity source
    /// (default <see langword="true"/>; they cost nothing while nobody listens). The AppContext switch
    /// <see cref="EdgeRuntimeTelemetry.EnabledSwitch"/> turns them off for the whole process.
    /// </summary>
    public bool EnableTelemetry { get; set; } = true;

    /// <summary>
    /// Receives the runtime's informational messages: the effective session settings, once per session, and
    /// execution provider fallbacks. Defaults to <see cref="System.Diagnostics.Trace"/>.
    /// </summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// Last-chance hook on the ONNX Runtime <see cref="SessionOptions"/> after EdgeBuild applied its settings,
    /// for options EdgeBuild does not model (profiling, custom ops, provider options).
    /// </summary>
    public Action<SessionOptions>? ConfigureSessionOptions { get; set; }
}
