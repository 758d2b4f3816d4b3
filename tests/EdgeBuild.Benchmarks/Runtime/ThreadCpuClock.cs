using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace EdgeBuild.Benchmarks.Runtime;

/// <summary>
/// A BenchmarkDotNet clock reading the calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>).
/// On a machine shared with other builds, wall time mostly measures how long the benchmark waited for a core;
/// thread CPU time measures the work. It is exact for these benchmarks only because they run in process with
/// one intra-op thread, so ONNX Runtime computes on the measuring thread itself.
/// </summary>
internal sealed class ThreadCpuClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static ThreadCpuClock Instance { get; } = new();

    public string Title => "ThreadCpuTime";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency { get; } = new(1_000_000_000d);

    public long GetTimestamp()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var now) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return now.Seconds * 1_000_000_000L + now.Nanoseconds;
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
