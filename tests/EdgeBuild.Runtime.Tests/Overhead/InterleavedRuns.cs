using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeBuild.Runtime.Overhead;

/// <summary>
/// Compares two ways of running the same model in one process, interleaved run by run: pair i runs A then B when i
/// is even, B then A when odd; each pair gives a ratio A/B; the figure is the geometric mean of the two orders' median
/// ratios. Load from other processes that shifts over seconds hits both halves of a pair alike and cancels out; so does
/// what the first run of a pair does to the second (a session whose idle workers spin slows whatever runs right after
/// it: with spinning on both sides, one order's ratios sat near 0.67 and the other's near 1.5 on a 2-core host). Shared by
/// <c>RunOverheadTests</c> (issue 15, acceptance 4) and the benchmarks' <c>run-overhead</c> command.
/// </summary>
internal static class InterleavedRuns
{
    public static Comparison Compare(string what, Action a, Action b, int pairs, Clock clock)
    {
        var ratios = new double[pairs];
        var aTimes = new double[pairs];
        var bTimes = new double[pairs];
        for (var i = 0; i < pairs; i++)
        {
            if (i % 2 == 0)
            {
                aTimes[i] = Time(a, clock);
                bTimes[i] = Time(b, clock);
            }
            else
            {
                bTimes[i] = Time(b, clock);
                aTimes[i] = Time(a, clock);
            }

            ratios[i] = aTimes[i] / bTimes[i];
        }

        var sorted = ratios.Order().ToArray();
        var aFirst = Median(ratios.Where((_, i) => i % 2 == 0).ToArray());
        var bFirst = Median(ratios.Where((_, i) => i % 2 == 1).ToArray());
        return new Comparison(what, clock, Math.Sqrt(aFirst * bFirst), sorted[pairs / 4], sorted[3 * pairs / 4], Median(aTimes), Median(bTimes), pairs, LoadAverage());
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Time(Action run, Clock clock)
    {
        var start = Now(clock);
        run();
        return Now(clock) - start;
    }

    /// <summary>Seconds on <paramref name="clock"/>.</summary>
    public static double Now(Clock clock)
    {
        if (clock == Clock.Wall) return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        if (clock_gettime(2, out var now) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        return now.Seconds + now.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);
}

/// <summary>
/// Wall: latency, what an app waits for. ProcessCpu: CPU time of every thread of the process (Linux
/// <c>CLOCK_PROCESS_CPUTIME_ID</c>): with no spinning on either side, the work both do, and the clock that still
/// resolves 2 % when the machine's load average is 50–90 and a run waits for a core longer than it computes.
/// </summary>
internal enum Clock
{
    Wall,
    ProcessCpu,
}

/// <summary>A's time over B's: the median of the pair ratios and their quartiles, and each side's median time (seconds).</summary>
internal sealed record Comparison(string What, Clock Clock, double MedianRatio, double LowerQuartile, double UpperQuartile,
    double MedianA, double MedianB, int Pairs, string Load)
{
    public override string ToString() =>
        $"{What}: median pair ratio, both orders {MedianRatio:F3} (quartiles {LowerQuartile:F3}-{UpperQuartile:F3}), medians {MedianA * 1e3:F1} ms vs {MedianB * 1e3:F1} ms " +
        $"(ratio of medians {MedianA / MedianB:F3}), {Pairs} pairs, {Clock} clock, load {Load}";
}
