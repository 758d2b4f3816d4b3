using System.Diagnostics;
using System.Globalization;
using EdgeBuild.Runtime;
using EdgeBuild.Runtime.Overhead;

namespace EdgeBuild.Benchmarks.Runtime;

/// <summary>
/// <c>-- telemetry-overhead [blocks]</c>: the comparison of <see cref="TelemetryOverheadBenchmarks"/>, interleaved.
/// BenchmarkDotNet measures one benchmark after the other, seconds apart, and on a machine shared with other builds
/// the load moves in between; here blocks of 20,000 tiny-model runs rotate (metrics off, metrics on, metrics off +
/// a bare Stopwatch pair), each timed on the thread's CPU clock, and the median of the per-block ratios against
/// "off" is reported: first with nobody listening (metrics on, unobserved), then with a MeterListener enabled on
/// every instrument (metrics on, observed).
/// </summary>
internal static class TelemetryOverheadInterleaved
{
    private const int RunsPerBlock = 20_000;

    public static int Run(string[] args)
    {
        var blocks = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40;
        using var off = TinyAffine.Create(new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false, EnableTelemetry = false });
        using var on = TinyAffine.Create(new EdgeSessionOptions { IntraOpThreads = 1, AllowSpinning = false });
        off.Inputs.X.Fill(1f);
        on.Inputs.X.Fill(1f);
        long ticks = 0;
        Action[] variants =
        [
            off.Run,
            on.Run,
            () =>
            {
                var start = Stopwatch.GetTimestamp();
                off.Run();
                ticks += Stopwatch.GetTimestamp() - start;
            },
        ];
        Measure(variants, 6); // warm-up: tiered JIT, ORT's first runs

        Report("metrics on, nobody listening (unobserved)", Measure(variants, blocks));
        double sum = 0;
        using (TelemetryListener.Start(value => sum += value))
        {
            Report("metrics on, MeterListener on every instrument (observed)", Measure(variants, blocks));
        }

        return ticks == 42 ? 1 : 0; // keeps the clock pair's result alive
    }

    /// <summary>Per block, ns per run of each variant, in a rotating order.</summary>
    private static double[][] Measure(Action[] variants, int blocks)
    {
        var times = variants.Select(_ => new double[blocks]).ToArray();
        for (var b = 0; b < blocks; b++)
        {
            for (var k = 0; k < variants.Length; k++)
            {
                var v = (b + k) % variants.Length;
                times[v][b] = Block(variants[v]);
            }
        }

        return times;
    }

    private static double Block(Action run)
    {
        var start = ThreadCpuClock.Instance.GetTimestamp();
        for (var i = 0; i < RunsPerBlock; i++) run();
        return (ThreadCpuClock.Instance.GetTimestamp() - start) / (double)RunsPerBlock;
    }

    private static void Report(string what, double[][] t)
    {
        static double Median(IEnumerable<double> v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
        string Ratio(double[] a, double[] b)
        {
            var r = a.Zip(b, (x, y) => x / y).Order().ToArray();
            return $"{Median(r):F3} (quartiles {r[r.Length / 4]:F3}-{r[3 * r.Length / 4]:F3})";
        }

        Console.WriteLine($"{what}: metrics on / off = {Ratio(t[1], t[0])}; off + Stopwatch pair / off = {Ratio(t[2], t[0])}; " +
                          $"median ns/run off {Median(t[0]):F0}, on {Median(t[1]):F0}, off + pair {Median(t[2]):F0} " +
                          $"({t[0].Length} interleaved blocks of {RunsPerBlock} runs, thread CPU time, load {InterleavedRuns.LoadAverage()})");
    }
}
