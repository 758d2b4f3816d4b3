using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using EdgeBuild.Runtime;

namespace EdgeBuild.Benchmarks.Runtime;

/// <summary>
/// What the runtime's metrics cost per <c>Run()</c> on the tiny model (16 floats, ~1.7 µs a run, so per-call costs
/// show), against the baseline in the same run: the wrapper with metrics off (<see cref="EdgeSessionOptions.EnableTelemetry"/>
/// = false) vs metrics on (the default), once per <see cref="Observer"/>:
/// <list type="bullet">
/// <item><see cref="TelemetryObserver.None"/>: metrics on, nobody listening, the state of an app nobody is watching;</item>
/// <item><see cref="TelemetryObserver.MeterListener"/>: metrics on and observed, a <see cref="MeterListener"/>
/// enabled on every instrument of the <c>EdgeBuild.Runtime</c> meter receives each run's duration.</item>
/// </list>
/// A third row times the baseline plus one bare <see cref="Stopwatch.GetTimestamp"/> pair: the floor of measuring any
/// run's duration, which the observed case cannot go below. docs/benchmarks-runtime.md has the figures.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class TelemetryOverheadBenchmarks
{
    private TinyAffine _off = null!;
    private TinyAffine _on = null!;
    private MeterListener? _listener;
    private double _sum;
    private long _ticks;

    /// <summary>Who listens while the "metrics on" wrapper runs.</summary>
    [Params(TelemetryObserver.None, TelemetryObserver.MeterListener)]
    public TelemetryObserver Observer { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _off = TinyAffine.Create(new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false, EnableTelemetry = false });
        _on = TinyAffine.Create(new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false });
        _off.Inputs.X.Fill(1f);
        _on.Inputs.X.Fill(1f);
        if (Observer == TelemetryObserver.MeterListener) _listener = TelemetryListener.Start(value => _sum += value);
    }

    [Benchmark(Baseline = true, Description = "metrics off (EnableTelemetry = false)")]
    public void Off() => _off.Run();

    [Benchmark(Description = "metrics on (default)")]
    public void On() => _on.Run();

    [Benchmark(Description = "metrics off + a Stopwatch pair (timing floor)")]
    public void OffPlusClockPair()
    {
        var start = Stopwatch.GetTimestamp();
        _off.Run();
        _ticks += Stopwatch.GetTimestamp() - start;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _off.Dispose();
        _on.Dispose();
    }
}

/// <summary>Who observes the <c>EdgeBuild.Runtime</c> meter during a telemetry-overhead measurement.</summary>
public enum TelemetryObserver
{
    /// <summary>Nobody: metrics on, unobserved.</summary>
    None,

    /// <summary>A <see cref="System.Diagnostics.Metrics.MeterListener"/> enabled on every instrument, summing what it receives.</summary>
    MeterListener,
}

/// <summary>The listener of the telemetry-overhead benchmarks: every instrument of the meter, a trivial callback.</summary>
internal static class TelemetryListener
{
    public static MeterListener Start(Action<double> received)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EdgeRuntimeTelemetry.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => received(value));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => received(value));
        listener.Start();
        return listener;
    }
}
