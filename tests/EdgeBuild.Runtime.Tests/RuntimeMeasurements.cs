using System.Diagnostics.Metrics;

namespace EdgeBuild.Runtime.Tests;

/// <summary>
/// A <see cref="MeterListener"/> on the <c>EdgeBuild.Runtime</c> meter that keeps the measurements recorded on the
/// thread that created it (callbacks run on the recording thread), so runs of other tests do not count. The
/// callbacks add into preallocated fields: listening itself allocates nothing per measurement.
/// </summary>
/// <remarks>
/// <see cref="Runs"/> is the observable runs counter: a collection (<see cref="MeterListener.RecordObservableInstruments"/>,
/// on this thread) reports the process's cumulative totals, so it is the increase since this object was created,
/// over every session of the process: exact only in tests that run alone (<see cref="MeasurementCollection"/>).
/// </remarks>
internal sealed class RuntimeMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly long _runsBefore;
    private long _observedRuns;

    public RuntimeMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EdgeRuntimeTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.Start();
        _runsBefore = ObservedRuns();
    }

    public int RunDurationCount { get; private set; }
    public double RunDurationSum { get; private set; }
    public long Runs => ObservedRuns() - _runsBefore;
    public long RunFailures { get; private set; }
    public int LoadCount { get; private set; }
    public long IntegrityFailures { get; private set; }
    public string? LastClass { get; private set; }
    public string? LastTarget { get; private set; }
    public string? LastPrecision { get; private set; }
    public string? LastErrorType { get; private set; }

    public void Dispose() => _listener.Dispose();

    private long ObservedRuns()
    {
        _observedRuns = 0;
        _listener.RecordObservableInstruments();
        return _observedRuns;
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (Environment.CurrentManagedThreadId != _thread) return;
        Remember(tags);
        if (instrument.Name == EdgeRuntimeTelemetry.RunDuration)
        {
            RunDurationCount++;
            RunDurationSum += value;
        }
        else if (instrument.Name == EdgeRuntimeTelemetry.LoadDuration)
        {
            LoadCount++;
        }
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (Environment.CurrentManagedThreadId != _thread) return;
        // One total per tag set, other models' included: summed, and not taken as the last measurement's tags.
        if (instrument.Name == EdgeRuntimeTelemetry.Runs)
        {
            _observedRuns += value;
            return;
        }

        Remember(tags);
        if (instrument.Name == EdgeRuntimeTelemetry.RunFailures) RunFailures += value;
        else if (instrument.Name == EdgeRuntimeTelemetry.IntegrityFailures) IntegrityFailures += value;
    }

    // Keeps references to the precomputed tag values; no strings are built here.
    private void Remember(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case EdgeRuntimeTelemetry.ClassTag: LastClass = tag.Value as string; break;
                case EdgeRuntimeTelemetry.TargetTag: LastTarget = tag.Value as string; break;
                case EdgeRuntimeTelemetry.PrecisionTag: LastPrecision = tag.Value as string; break;
                case EdgeRuntimeTelemetry.ErrorTypeTag: LastErrorType = tag.Value as string; break;
            }
        }
    }
}
