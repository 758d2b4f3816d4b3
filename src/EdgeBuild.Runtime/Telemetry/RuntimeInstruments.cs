using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeBuild.Runtime;

/// <summary>
/// The process-wide meter, activity source and instruments. A separate class from <see cref="EdgeRuntimeTelemetry"/>
/// so that nothing here is created when the AppContext switch turns telemetry off: its static fields are
/// initialized on first use, and only <see cref="ModelTelemetry"/> (created when telemetry is on) uses them.
/// </summary>
internal static class RuntimeInstruments
{
    public static readonly Meter Meter = new(EdgeRuntimeTelemetry.MeterName, EdgeRuntimeTelemetry.Version);

    public static readonly ActivitySource Source = new(EdgeRuntimeTelemetry.MeterName, EdgeRuntimeTelemetry.Version);

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        EdgeRuntimeTelemetry.RunDuration, "s", "Duration of one Run() of a generated EdgeBuild wrapper.");

    /// <summary>Observable: sessions count runs in a field, collections read the totals (<see cref="RunCounts"/>).</summary>
    public static readonly ObservableCounter<long> Runs = Meter.CreateObservableCounter(
        EdgeRuntimeTelemetry.Runs, RunCounts.Observe, "{run}", "Run() calls of generated EdgeBuild wrappers, failed ones included.");

    public static readonly Counter<long> RunFailures = Meter.CreateCounter<long>(
        EdgeRuntimeTelemetry.RunFailures, "{run}", "Run() calls that threw.");

    public static readonly Histogram<double> LoadDuration = Meter.CreateHistogram<double>(
        EdgeRuntimeTelemetry.LoadDuration, "s", "Duration of loading a model: read, integrity check, session creation, binding.");

    public static readonly Counter<long> IntegrityFailures = Meter.CreateCounter<long>(
        EdgeRuntimeTelemetry.IntegrityFailures, "{failure}", "Models rejected because their bytes differ from the SHA-256 compiled into the wrapper.");
}
