using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// `edgebuild optimize` killed (SIGKILL, no chance to clean up) at random points: every output path holds either
/// nothing or the complete, correct file, and the next run succeeds with identical bytes.
/// EDGEBUILD_RELIABILITY_KILLS sets the number of kills (default 8).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class InterruptedRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgebuild-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Killed_runs_leave_no_partial_output_and_the_next_run_gives_identical_bytes()
    {
        var kills = int.Parse(Environment.GetEnvironmentVariable("EDGEBUILD_RELIABILITY_KILLS") ?? "8", CultureInfo.InvariantCulture);
        var model = CliRuns.CopyModel(CliRuns.Detector, Path.Combine(_root, "src"));

        var refDir = Path.Combine(_root, "ref");
        var reference = OutOfProcessCli.Run(CliRuns.OptimizeArgs(model, refDir), TimeSpan.FromMinutes(3));
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        var expected = CliRuns.Artifacts(refDir).Select(File.ReadAllBytes).ToArray();
        // The first run pays for cold caches; a second one tells how long a run really takes, to spread the kills over.
        var warm = OutOfProcessCli.Run(CliRuns.OptimizeArgs(model, Path.Combine(_root, "ref2")), TimeSpan.FromMinutes(3));
        var runTime = TimeSpan.FromTicks(Math.Min(reference.Elapsed.Ticks, warm.Elapsed.Ticks));

        var rng = new Random(1123);
        int survived = 0, killedBeforeAnyOutput = 0, killedWithSomeOutput = 0, finishedBeforeKill = 0, strayTempFiles = 0;
        for (var i = 0; i < kills; i++)
        {
            var outDir = Path.Combine(_root, $"run{i}");
            // Stratified over the run (start-up, load, passes, writes), jittered so each kill lands somewhere new.
            var delay = runTime * ((i + rng.NextDouble()) / kills);
            var exited = StartAndKill(CliRuns.OptimizeArgs(model, outDir), delay);

            var present = CheckOutputs(outDir, expected, $"kill {i} after {delay.TotalMilliseconds:F0} ms");
            if (exited) finishedBeforeKill++;
            else if (present == 0) killedBeforeAnyOutput++;
            else killedWithSomeOutput++;
            strayTempFiles += Directory.Exists(outDir) ? Directory.GetFiles(outDir, "*.tmp").Length : 0;

            // The next run (the user's next build) succeeds over whatever the killed run left, with the same bytes.
            var (code, _, err) = CliRuns.InProcess(CliRuns.OptimizeArgs(model, outDir));
            Assert.True(code == ExitCodes.Ok, $"run after kill {i}: {err}");
            Assert.Equal(3, CheckOutputs(outDir, expected, $"rerun after kill {i}"));
            survived++;
        }

        ReliabilityFigures.Record(output, "interrupted-runs", new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["model"] = "PP-OCRv4 detector, optimize --precision none",
            ["runSeconds"] = Math.Round(runTime.TotalSeconds, 2),
            ["kills"] = kills,
            ["killedBeforeAnyOutput"] = killedBeforeAnyOutput,
            ["killedWithSomeOutputs"] = killedWithSomeOutput,
            ["finishedBeforeKill"] = finishedBeforeKill,
            ["partialOutputs"] = 0,
            ["strayTempFilesLeftByKills"] = strayTempFiles,
            ["runsSurvived"] = survived,
        });
        Assert.Equal(kills, survived);
    }

    /// <summary>Returns true when the process finished on its own before the kill.</summary>
    private static bool StartAndKill(string[] args, TimeSpan delay)
    {
        var info = OutOfProcessCli.StartInfo(args);
        using var process = Process.Start(info)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        if (process.WaitForExit(delay)) return true;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return false;
    }

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
}
