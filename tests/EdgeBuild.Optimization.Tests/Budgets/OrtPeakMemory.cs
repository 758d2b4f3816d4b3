using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Budgets;

/// <summary>
/// ONNX Runtime's measured peak memory for one session creation + run, from the process's peak RSS
/// (Linux: reset with /proc/self/clear_refs, read VmHWM). To make RSS track live bytes: glibc's mmap
/// threshold is pinned at 64 KiB (every large buffer is its own mapping, returned on free), ORT's arena
/// is off (it would keep freed chunks), and a first session of the same model runs and is disposed
/// before measuring (so code pages and one-time ORT state are not counted). The caller-owned input
/// buffer, allocated before the baseline, is added back.
/// The measurement runs in a fresh child process (this assembly, started with <see cref="ChildCommand"/>): inside
/// the test host, free chunks that earlier tests left in glibc's arenas serve ORT's buffers without new resident
/// pages, and CI measured 34 MB where a fresh process measures 52 MB.
/// </summary>
internal static class OrtPeakMemory
{
    public const string ChildCommand = "ort-peak-memory-child";
    private const int MallocMmapThreshold = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int param, int value);

    public static long Measure(string modelPath, string inputName, long[] shape, int threads)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("peak RSS is read from /proc (Linux)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "exec", typeof(OrtPeakMemory).Assembly.Location, ChildCommand, modelPath, inputName,
                     string.Join(',', shape), threads.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ORT peak-memory child failed ({process.ExitCode}): {stdout}{stderr.Result}");
        return long.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The child: measure and print the peak in bytes.</summary>
    public static int RunChild(string[] args)
    {
        var shape = args[3].Split(',').Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine(MeasureInThisProcess(args[1], args[2], shape, int.Parse(args[4], CultureInfo.InvariantCulture)));
        return 0;
    }

    private static long MeasureInThisProcess(string modelPath, string inputName, long[] shape, int threads)
    {
        MallOpt(MallocMmapThreshold, 64 * 1024);

        var input = new float[shape.Aggregate(1L, (a, b) => a * b)];
        Array.Fill(input, 0.5f);
        RunOnce(modelPath, inputName, shape, input, threads);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");
        var baseline = Status("VmRSS");
        RunOnce(modelPath, inputName, shape, input, threads);
        return Status("VmHWM") - baseline + input.LongLength * sizeof(float);
    }

    private static void RunOnce(string modelPath, string inputName, long[] shape, float[] input, int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            EnableCpuMemArena = false,
            EnableMemoryPattern = false,
            IntraOpNumThreads = threads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        using var session = new InferenceSession(modelPath, options);
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [x], session.OutputNames);
    }

    private static long Status(string key) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
