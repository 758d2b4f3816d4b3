using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeBuild.Optimization.Caching;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// `edgebuild optimize --precision int8` (calibration, quantization, accuracy check: the long part of a real build)
/// killed with SIGKILL, no chance to clean up, at points spread over the run: every output path holds either nothing
/// or the complete, correct file; no cache entry is broken; the next run succeeds with identical bytes and removes
/// the killed run's temporary files. Where each kill landed is measured, not assumed: before ONNX Runtime was loaded
/// (start-up), while it was loaded and no output existed yet (mid-optimization), after some output was written, or
/// after the run had finished. EDGEBUILD_RELIABILITY_KILLS sets the number of kills (default 8).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class InterruptedRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgebuild-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private enum Landing { StartUp, MidOptimization, WritingOutputs, FinishedBeforeKill }

    [Fact]
    public void Killed_runs_leave_no_partial_output_and_the_next_run_gives_identical_bytes()
    {
        var kills = int.Parse(Environment.GetEnvironmentVariable("EDGEBUILD_RELIABILITY_KILLS") ?? "8", CultureInfo.InvariantCulture);
        var model = CliRuns.CopyModel(CliRuns.Classifier, Path.Combine(_root, "src"));
        var calibration = Path.Combine(_root, "calib");
        Directory.CreateDirectory(calibration);
        foreach (var image in new[] { "page.png", "text.png", "coffee.png" })
            File.Copy(Path.Combine(TestAssets.ImagesDir, image), Path.Combine(calibration, image));
        // One cache folder per run: a run killed while storing its entry shares that folder with the run after it,
        // and a cache filled by an earlier run would turn the next one into a quick hit with nothing to interrupt.
        string CacheOf(string outDir) => outDir + "-cache";
        string[] Args(string outDir) => CliRuns.OptimizeInt8Args(model, Path.Combine(calibration, "*.png"), outDir, CacheOf(outDir));

        var refDir = Path.Combine(_root, "ref");
        var reference = OutOfProcessCli.Run(Args(refDir), TimeSpan.FromMinutes(5));
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        // Every ORT session logs fatal errors only: the native logger's warnings would become build output.
        Assert.DoesNotContain("onnxruntime:", reference.Stderr, StringComparison.Ordinal);
        var expected = CliRuns.Artifacts(refDir).Select(File.ReadAllBytes).ToArray();
        var warm = OutOfProcessCli.Run(Args(Path.Combine(_root, "ref2")), TimeSpan.FromMinutes(5));
        var runTime = TimeSpan.FromTicks(Math.Min(reference.Elapsed.Ticks, warm.Elapsed.Ticks));

        var rng = new Random(1123);
        var landings = Enum.GetValues<Landing>().ToDictionary(l => l, _ => 0);
        int survived = 0, strayTempFiles = 0, tempFilesAfterRerun = 0, cacheLeftovers = 0;
        var delays = new List<double>();
        for (var i = 0; i < kills; i++)
        {
            var outDir = Path.Combine(_root, $"run{i}");
            // Stratified over 5..95 % of the run, jittered; the estimate shrinks whenever a run beats its kill,
            // so later kills do not all land after the end on a machine that got faster.
            var delay = runTime * (0.05 + 0.9 * (i + rng.NextDouble()) / kills);
            delays.Add(Math.Round(delay.TotalSeconds, 2));
            var (landing, finishedIn) = StartAndKill(Args(outDir), delay, outDir);
            landings[landing]++;
            if (finishedIn is { } t && t < runTime) runTime = t;

            CheckOutputs(outDir, expected, $"kill {i} after {delay.TotalMilliseconds:F0} ms ({landing})");
            if (CacheOf(outDir) is { } cache) Assert.Null(BrokenCacheEntry(cache));
            strayTempFiles += TempFiles(outDir);

            // The next run (the user's next build) succeeds over whatever the killed run left, with the same bytes.
            var (code, _, err) = CliRuns.InProcess(Args(outDir));
            Assert.True(code == ExitCodes.Ok, $"run after kill {i}: {err}");
            Assert.Equal(3, CheckOutputs(outDir, expected, $"rerun after kill {i}"));
            tempFilesAfterRerun += TempFiles(outDir);
            cacheLeftovers += CacheLeftovers(CacheOf(outDir));
            survived++;
        }

        ReliabilityFigures.Record(output, "interrupted-runs", new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["model"] = "PP-OCR direction classifier, optimize --precision int8, 3 calibration images" + ", --cache-dir",
            ["runSeconds"] = Math.Round(runTime.TotalSeconds, 2),
            ["killDelaysSeconds"] = delays,
            ["kills"] = kills,
            ["killedInStartUp"] = landings[Landing.StartUp],
            ["killedMidOptimization"] = landings[Landing.MidOptimization],
            ["killedWhileWritingOutputs"] = landings[Landing.WritingOutputs],
            ["finishedBeforeKill"] = landings[Landing.FinishedBeforeKill],
            ["partialOutputs"] = 0,
            ["brokenCacheEntries"] = 0,
            ["strayTempFilesLeftByKills"] = strayTempFiles,
            ["tempFilesLeftAfterNextRun"] = tempFilesAfterRerun,
            ["cacheTempFilesAndLocksLeftAfterNextRun"] = cacheLeftovers,
            ["runsSurvived"] = survived,
        });
        Assert.Equal(kills, survived);
        Assert.Equal(0, tempFilesAfterRerun);
        Assert.Equal(0, cacheLeftovers);
        Assert.True(landings[Landing.MidOptimization] > 0, "no kill landed mid-optimization: the test is not testing interruption");
    }

    /// <summary>Starts the tool, kills it (whole tree) after <paramref name="delay"/>, and tells where the kill landed.</summary>
    private static (Landing Landing, TimeSpan? FinishedIn) StartAndKill(string[] args, TimeSpan delay, string outDir)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(OutOfProcessCli.StartInfo(args))!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        if (process.WaitForExit(delay)) return (Landing.FinishedBeforeKill, clock.Elapsed);

        // Look just before the kill: has the process loaded ONNX Runtime's native library, has it written anything?
        var ortLoaded = LoadedOnnxRuntime(process.Id);
        var anyOutput = CliRuns.Artifacts(outDir).Append(Path.Combine(outDir, "Model.report.json")).Any(File.Exists);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        if (process.ExitCode == 0) return (Landing.FinishedBeforeKill, clock.Elapsed); // it won the race to the exit
        return (anyOutput ? Landing.WritingOutputs : ortLoaded ? Landing.MidOptimization : Landing.StartUp, null);
    }

    /// <summary>Linux: /proc/PID/maps lists libonnxruntime.so once the first session options were created.</summary>
    private static bool LoadedOnnxRuntime(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/maps").Contains("libonnxruntime", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int TempFiles(string dir) => Directory.Exists(dir) ? Directory.GetFiles(dir, "*.tmp").Length : 0;

    /// <summary>
    /// What a killed run can leave in its cache folder besides entries (docs/cache.md): temp entry folders and result
    /// files (.tmp-…), trash folders (KEY.trash-…) and its lock file (KEY.lock). The next run must have removed them.
    /// </summary>
    private static int CacheLeftovers(string cache) =>
        Directory.Exists(cache)
            ? Directory.GetDirectories(cache).SelectMany(Directory.GetFileSystemEntries).Select(Path.GetFileName)
                .Count(n => n!.StartsWith('.') || n.Contains(".trash-", StringComparison.Ordinal) || n.EndsWith(".lock", StringComparison.Ordinal))
            : 0;

    /// <summary>Each output is absent or complete (model and manifest byte-identical to the reference, report valid JSON).</summary>
    private static int CheckOutputs(string outDir, byte[][] expected, string when)
    {
        var present = 0;
        var artifacts = CliRuns.Artifacts(outDir);
        for (var k = 0; k < artifacts.Length; k++)
        {
            if (!File.Exists(artifacts[k])) continue;
            present++;
            Assert.True(expected[k].AsSpan().SequenceEqual(File.ReadAllBytes(artifacts[k])), $"{when}: {Path.GetFileName(artifacts[k])} is partial or different");
        }

        var report = Path.Combine(outDir, "Model.report.json");
        if (File.Exists(report))
        {
            present++;
            using var _ = JsonDocument.Parse(File.ReadAllBytes(report)); // throws on a truncated report
        }

        return present;
    }

    /// <summary>A visible entry (ROOT/ab/&lt;64 hex&gt;/) whose entry.json is missing or whose files do not match it, else null.</summary>
    private static string? BrokenCacheEntry(string cache)
    {
        if (!Directory.Exists(cache)) return null;
        foreach (var entry in Directory.GetDirectories(cache).SelectMany(Directory.GetDirectories).Where(d => Path.GetFileName(d).Length == 64))
        {
            var manifest = Path.Combine(entry, "entry.json");
            if (!File.Exists(manifest)) return entry + ": no entry.json";
            foreach (var (role, hash) in JsonNode.Parse(File.ReadAllText(manifest))!.AsObject())
            {
                var file = Directory.GetFiles(entry).FirstOrDefault(f => Path.GetFileName(f).StartsWith("out-", StringComparison.Ordinal) && Path.GetFileName(f)[4..] == role);
                if (file is null || CacheKeyBuilder.HashFile(file) != hash!.GetValue<string>()) return $"{entry}: '{role}' missing or not matching entry.json";
            }
        }

        return null;
    }
}
