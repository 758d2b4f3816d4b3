using System.Diagnostics;
using System.Text.Json;
using EdgeBuild.Tests.Fuzzing;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests;

/// <summary>
/// `inspect` on corrupted detectors never crashes: exit 0 with JSON for mutants that still load, exit 2 with one
/// canonical line for the rest. Every 4th mutant of the library's fuzz sequence (500 by default; each one is a
/// 4.7 MB file written to disk, which is what keeps this to a fraction of the library test's count).
/// </summary>
public sealed class InspectFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Inspect_only_exits_0_or_2_on_corrupted_detectors()
    {
        var original = File.ReadAllBytes(TestAssets.Detector);
        var seed = ModelMutator.Seed;
        var iterations = ModelMutator.Iterations(2000);
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgebuild-cli-fuzz", Guid.NewGuid().ToString("N"))).FullName;
        var failures = new List<string>();
        var exits = new int[3];
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < iterations; i += 4)
            {
                var (bytes, description) = ModelMutator.Mutate(original, seed, i);
                var path = Path.Combine(folder, "mutant.onnx");
                File.WriteAllBytes(path, bytes);
                CliRun run;
                try
                {
                    run = CliRun.Of("inspect", path, "--json");
                }
                catch (Exception e)
                {
                    failures.Add($"seed {seed}, mutant {i} ({description}): {e.GetType().FullName}: {e.Message}");
                    continue;
                }

                if (run.ExitCode is 0 or 2) exits[run.ExitCode]++;
                var problem = run.ExitCode switch
                {
                    0 when !IsJson(run.Stdout) => "exit 0 without JSON on stdout",
                    2 when run.StderrLines.Length != 1 || !run.Stderr.StartsWith(path + ": error EDGE010", StringComparison.Ordinal) => "exit 2 without exactly one canonical error line: " + run.Stderr,
                    0 or 2 => null,
                    _ => $"exit code {run.ExitCode}",
                };
                if (problem is not null) failures.Add($"seed {seed}, mutant {i} ({description}): {problem}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        output.WriteLine($"seed {seed}: {exits[0]} mutants inspected (exit 0), {exits[2]} rejected (exit 2), {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(exits[2] > 0 && exits[0] > 0, "expected both loadable and broken mutants");
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
