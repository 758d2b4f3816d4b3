using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeBuild.Runtime;

/// <summary>
/// The names under which every generated wrapper reports what it does: one <see cref="Meter"/> and one
/// <see cref="ActivitySource"/>, both named <see cref="MeterName"/>, for <c>dotnet-counters</c>, OpenTelemetry
/// and any <see cref="MeterListener"/> / <see cref="ActivityListener"/>. docs/runtime.md lists them with their units.
/// </summary>
/// <remarks>
/// Instruments follow .NET's and OpenTelemetry's naming conventions: lower-case dotted names, durations in seconds,
/// counts as counters with a <c>{unit}</c> annotation. Every measurement carries the model's
/// <see cref="ClassTag"/>, <see cref="TargetTag"/> and <see cref="PrecisionTag"/>, computed once per session.
/// </remarks>
public static class EdgeRuntimeTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string MeterName = "EdgeBuild.Runtime";

    /// <summary>
    /// The <see cref="AppContext"/> switch that turns metrics and tracing off for the whole process when set to
    /// <see langword="false"/> (for example <c>&lt;RuntimeHostConfigurationOption Include="EdgeBuild.Runtime.Telemetry.IsEnabled" Value="false" /&gt;</c>
    /// in a trimmed or native AOT app). Read each time a session is created.
    /// </summary>
    public const string EnabledSwitch = "EdgeBuild.Runtime.Telemetry.IsEnabled";

    /// <summary>Histogram, seconds: the duration of each <c>Run()</c> on the bound buffers.</summary>
    public const string RunDuration = "edgebuild.run.duration";

    /// <summary>
    /// Observable counter, <c>{run}</c>: <c>Run()</c> calls, failed ones included, the process's cumulative total per
    /// class, target and precision. Counted whether or not anyone listens; listeners receive it when they collect
    /// (<see cref="MeterListener.RecordObservableInstruments"/>; dotnet-counters and OpenTelemetry readers do this on their interval).
    /// </summary>
    public const string Runs = "edgebuild.runs";

    /// <summary>Counter, <c>{run}</c>: <c>Run()</c> calls that threw, tagged with <see cref="ErrorTypeTag"/>.</summary>
    public const string RunFailures = "edgebuild.run.failures";

    /// <summary>Histogram, seconds: loading a model (read, integrity check, session creation, binding).</summary>
    public const string LoadDuration = "edgebuild.model.load.duration";

    /// <summary>Counter, <c>{failure}</c>: models rejected because their bytes differ from the compiled-in SHA-256.</summary>
    public const string IntegrityFailures = "edgebuild.model.integrity_failures";

    /// <summary>Tag: the generated class's name (<c>TextDetector</c>).</summary>
    public const string ClassTag = "edgebuild.model.class";

    /// <summary>Tag: the device profile the model was optimized for (<c>rpi5</c>), <c>none</c> when unknown.</summary>
    public const string TargetTag = "edgebuild.model.target";

    /// <summary>Tag: the precision the model was optimized to (<c>int8</c>), <c>none</c> when unknown.</summary>
    public const string PrecisionTag = "edgebuild.model.precision";

    /// <summary>Tag on failures and failed loads: the exception's full type name, as OpenTelemetry's <c>error.type</c>.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The span around a model load.</summary>
    public const string LoadActivity = "EdgeBuild.Load";

    /// <summary>The span around one <c>Run()</c>; created only while an <see cref="ActivityListener"/> samples it.</summary>
    public const string RunActivity = "EdgeBuild.Run";

    /// <summary>The version of the meter and activity source: EdgeBuild.Runtime's assembly version.</summary>
    public static string Version { get; } = typeof(EdgeRuntimeTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Whether the <see cref="EnabledSwitch"/> leaves telemetry on (the default).</summary>
    public static bool IsEnabled => !AppContext.TryGetSwitch(EnabledSwitch, out var enabled) || enabled;
}
