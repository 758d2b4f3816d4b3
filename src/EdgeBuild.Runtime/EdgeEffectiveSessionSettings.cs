using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// The session settings a wrapper actually runs with: the device profile's, overridden by the application's
/// <see cref="EdgeSessionOptions"/>, fitted to the cores this process may use. A <see langword="null"/> value means
/// ONNX Runtime's default. Logged once when the session is created, and exposed on the wrapper.
/// </summary>
public sealed class EdgeEffectiveSessionSettings
{
    /// <summary>The cores this process may use (<see cref="Environment.ProcessorCount"/>: affinity and CPU quota applied).</summary>
    public required int UsableCores { get; init; }

    /// <summary>Intra-op threads after fitting to <see cref="UsableCores"/>; <see langword="null"/> leaves the count to ONNX Runtime (the physical cores it detects).</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Inter-op threads after fitting to <see cref="UsableCores"/>.</summary>
    public int? InterOpThreads { get; init; }

    /// <summary>Whether idle worker threads spin; turned off when the profile's intra-op threads exceed the usable cores.</summary>
    public bool? AllowSpinning { get; init; }

    /// <summary>Whether ONNX Runtime's CPU memory arena is used.</summary>
    public bool? EnableCpuMemArena { get; init; }

    /// <summary>Whether ONNX Runtime plans memory from the first run's allocation pattern.</summary>
    public bool? EnableMemoryPattern { get; init; }

    /// <summary>The graph optimization level.</summary>
    public GraphOptimizationLevel? GraphOptimizationLevel { get; init; }

    /// <summary>Sequential or parallel execution of the graph's operators.</summary>
    public ExecutionMode? ExecutionMode { get; init; }

    /// <summary>The execution providers that were registered, in preference order; <c>cpu</c> is always last.</summary>
    public IReadOnlyList<string> ExecutionProviders { get; init; } = Array.Empty<string>();

    /// <summary>Why a value differs from what the profile or the application asked for, one sentence each.</summary>
    public IReadOnlyList<string> Adjustments { get; init; } = Array.Empty<string>();

    /// <summary>Whether the session reports metrics and traces (<see cref="EdgeSessionOptions.EnableTelemetry"/> and the AppContext switch).</summary>
    public bool TelemetryEnabled { get; init; }

    /// <summary>One line for logs: every value, then the adjustments.</summary>
    public override string ToString()
    {
        var text = $"intra-op threads {Show(IntraOpThreads)}, inter-op threads {Show(InterOpThreads)}, spinning {Show(AllowSpinning)}, " +
                   $"cpu arena {Show(EnableCpuMemArena)}, memory pattern {Show(EnableMemoryPattern)}, " +
                   $"graph optimization {Show(GraphOptimizationLevel)}, execution mode {Show(ExecutionMode)}, " +
                   $"providers {string.Join(" > ", ExecutionProviders)}, usable cores {UsableCores}, telemetry {(TelemetryEnabled ? "on" : "off")}";
        return Adjustments.Count == 0 ? text : text + " (" + string.Join("; ", Adjustments) + ")";
    }

    private static string Show(bool? value) => value switch { true => "on", false => "off", null => "ORT default" };

    private static string Show<T>(T? value) where T : struct => value?.ToString() ?? "ORT default";
}
