using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using EdgeBuild.Runtime;

namespace EdgeBuild.Benchmarks.Runtime;

/// <summary>
/// What the runtime's metrics cost per <c>Run()</c> on the tiny model (16 floats, ~2 µs a run, so per-call costs
/// show): the wrapper with telemetry off (<see cref="EdgeSessionOptions.EnableTelemetry"/> = false, the baseline)
/// against the default, telemetry on, first with nobody listening, then with a <see cref="MeterListener"/> that
/// receives every measurement. docs/benchmarks-runtime.md has the figures.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class TelemetryOverheadBenchmarks
{
    private TinyAffine _off = null!;
    private TinyAffine _on = null!;
    private MeterListener? _listener;
    private double _sum;

    /// <summary>Whether a MeterListener is subscribed to every instrument of the EdgeBuild.Runtime meter.</summary>
    [Params(false, true)]
    public bool Listener { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var host = new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false };
        _off = TinyAffine.Create(new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false, EnableTelemetry = false });
        _on = TinyAffine.Create(host);
        _off.Inputs.X.Fill(1f);
        _on.Inputs.X.Fill(1f);
        if (!Listener) return;

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == EdgeRuntimeTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _sum += value);
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _sum += value);
        _listener.Start();
    }

    [Benchmark(Baseline = true, Description = "telemetry off")]
    public void Off() => _off.Run();

    [Benchmark(Description = "telemetry on (default)")]
    public void On() => _on.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _off.Dispose();
        _on.Dispose();
    }
}
