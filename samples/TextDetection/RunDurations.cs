using System.Diagnostics.Metrics;
using EdgeBuild.Runtime;

namespace TextDetection;

/// <summary>
/// The runtime's own measurement of each run: a <see cref="MeterListener"/> on the <c>EdgeBuild.Runtime</c> meter's
/// run-duration histogram, the instrument dotnet-counters and OpenTelemetry read (docs/runtime.md).
/// </summary>
internal sealed class RunDurations : IDisposable
{
    private readonly MeterListener _listener = new();

    public RunDurations()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EdgeRuntimeTelemetry.MeterName && instrument.Name == EdgeRuntimeTelemetry.RunDuration)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => Milliseconds.Add(seconds * 1000));
        _listener.Start();
    }

    public List<double> Milliseconds { get; } = new();

    public void Dispose() => _listener.Dispose();
}
