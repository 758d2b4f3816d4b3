using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// The ONNX Runtime session settings a device profile asks for, as recorded in the model's signature manifest
/// and compiled into the generated wrapper. A <see langword="null"/> value keeps ONNX Runtime's default.
/// </summary>
public sealed class EdgeSessionSettings
{
    /// <summary>Threads used inside one operator (ORT <c>IntraOpNumThreads</c>).</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Threads used to run independent operators in parallel (ORT <c>InterOpNumThreads</c>).</summary>
    public int? InterOpThreads { get; init; }

    /// <summary>
    /// Whether idle worker threads spin before sleeping. Spinning lowers latency and burns CPU; battery- or
    /// thermally-limited devices turn it off.
    /// </summary>
    public bool? AllowSpinning { get; init; }

    /// <summary>Whether ONNX Runtime's CPU memory arena is used.</summary>
    public bool? EnableCpuMemArena { get; init; }

    /// <summary>Whether ONNX Runtime plans memory from the first run's allocation pattern.</summary>
    public bool? EnableMemoryPattern { get; init; }

    /// <summary>Graph optimization level applied when the session is created on the device.</summary>
    public GraphOptimizationLevel? GraphOptimizationLevel { get; init; }

    /// <summary>Sequential or parallel execution of the graph's operators.</summary>
    public ExecutionMode? ExecutionMode { get; init; }

    /// <summary>
    /// Execution providers in preference order, by their EdgeBuild names (<c>cpu</c>, <c>cuda</c>,
    /// <c>tensorrt</c>, <c>xnnpack</c>, ...). Providers the installed ONNX Runtime lacks are skipped with a
    /// log message; the CPU provider is always the last resort.
    /// </summary>
    public IReadOnlyList<string> ExecutionProviders { get; init; } = Array.Empty<string>();
}
