using System.Text.Json.Serialization;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>
/// ONNX Runtime session settings on the device. Property names and order match the manifest's
/// "session" object (docs/contracts.md section 1), so this record serializes to it as is.
/// </summary>
public sealed record SessionSettings
{
    /// <summary>Intra-op thread pool size including the caller; 0 lets ORT pick one per physical core.</summary>
    public required int IntraOpThreads { get; init; }

    public required int InterOpThreads { get; init; }

    /// <summary>Worker threads busy-wait between ops: lower latency, but they burn the cores the app also needs.</summary>
    public required bool AllowSpinning { get; init; }

    /// <summary>ORT's CPU arena: fast reuse, but it keeps the peak and grows in large chunks.</summary>
    public required bool EnableCpuMemArena { get; init; }

    public required bool EnableMemoryPattern { get; init; }

    /// <summary>ORT's online optimization level when the session is created on the device.</summary>
    public required GraphOptimizationLevel GraphOptimizationLevel { get; init; }

    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.Sequential;

    /// <summary>Preference order, e.g. ["tensorrt", "cuda", "cpu"]; the runtime falls back to cpu.</summary>
    public required IReadOnlyList<string> ExecutionProviders { get; init; }
}

[JsonConverter(typeof(CamelCaseEnumConverter<GraphOptimizationLevel>))]
public enum GraphOptimizationLevel
{
    Disabled,
    Basic,
    Extended,
    All,
}

[JsonConverter(typeof(CamelCaseEnumConverter<ExecutionMode>))]
public enum ExecutionMode
{
    Sequential,
    Parallel,
}
