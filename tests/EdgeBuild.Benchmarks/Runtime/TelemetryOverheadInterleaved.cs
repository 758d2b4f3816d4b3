using System.Diagnostics.Metrics;
using EdgeBuild.Runtime;

namespace EdgeBuild.Benchmarks.Runtime;

/// <summary>
/// <c>-- telemetry-overhead [blocks]</c>: the telemetry-overhead comparison of <see cref="TelemetryOverheadBenchmarks"/>,
/// interleaved. BenchmarkDotNet measures one benchmark after the other, seconds apart, and on a machine shared with
/// other builds the load moves in between; here blocks of 20,000 tiny-model runs alternate (off, on, off, on, ...),
/// each timed on the thread's CPU clock, and the median of the per-block ratios on/off is reported: first with
/// nobody listening, then with a <see cref="MeterListener"/> on every instrument.
/// </summary>
internal static class TelemetryOverheadInterleaved
{
    private const int RunsPerBlock = 20_000;

    public static int Run(string[] args)
    {
        var blocks = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 40;
        using var off = TinyAffine.Create(new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false, EnableTelemetry = false });
        using var on = TinyAffine.Create(new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false });
        off.Inputs.X.Fill(1f);
        on.Inputs.X.Fill(1f);
        Measure(off, on, 4); // warm-up: tiered JIT, ORT's first runs

        Report("nobody listening", Measure(off, on, blocks));

        double sum = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EdgeRuntimeTelemetry.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => sum += value);
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => sum += value);
        listener.Start();
        Report("MeterListener attached", Measure(off, on, blocks));
        return 0;
    }

    private static (double[] Off, double[] On) Measure(TinyAffine off, TinyAffine on, int blocks)
    {
        var offTimes = new double[blocks];
        var onTimes = new double[blocks];
        for (var b = 0; b < blocks; b++)
        {
            if (b % 2 == 0)
            {
                offTimes[b] = Block(off);
                onTimes[b] = Block(on);
            }
            else
            {
                onTimes[b] = Block(on);
                offTimes[b] = Block(off);
            }
        }

        return (offTimes, onTimes);
    }

    private static double Block(TinyAffine model)
    {
        var start = ThreadCpuClock.Instance.GetTimestamp();
        for (var i = 0; i < RunsPerBlock; i++) model.Run();
        return (ThreadCpuClock.Instance.GetTimestamp() - start) / (double)RunsPerBlock; // ns per run
    }

    private static void Report(string what, (double[] Off, double[] On) t)
    {
        var ratios = t.On.Zip(t.Off, (a, b) => a / b).Order().ToArray();
        double Median(IEnumerable<double> v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
        Console.WriteLine($"{what}: telemetry on/off = {Median(ratios):F3} (median of {ratios.Length} interleaved blocks of {RunsPerBlock} runs; " +
                          $"quartiles {ratios[ratios.Length / 4]:F3}-{ratios[3 * ratios.Length / 4]:F3}); median ns/run off {Median(t.Off):F0}, on {Median(t.On):F0} (thread CPU time)");
    }
}
