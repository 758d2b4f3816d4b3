using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests.Sample;

/// <summary>Runs one of the sample's check scripts (samples/check-*.sh) and reads the comparison it writes.</summary>
internal static class SampleScript
{
    /// <summary>Runs samples/<paramref name="script"/> with <paramref name="args"/>; returns its exit code and output.</summary>
    public static (int ExitCode, string Log) Run(string script, IEnumerable<string> args, TimeSpan timeout, bool prepared = true)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(TestAssets.RepoRoot, "samples", script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestAssets.RepoRoot,
        };
        start.Environment["EDGEBUILD_ASSETS"] = TestAssets.Root;
        if (prepared) start.Environment["EDGEBUILD_SAMPLE_PREPARED"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"samples/{script} did not finish within {timeout}.");
        }

        return (process.ExitCode, $"{stderr.Result}\n{stdout.Result}");
    }

    /// <summary>compare-detections.cs writes the SQNR of identical maps as "Infinity".</summary>
    private static readonly JsonSerializerOptions ComparisonJson = new(JsonSerializerOptions.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Comparison ReadComparison(string outDir) =>
        JsonSerializer.Deserialize<Comparison>(File.ReadAllText(Path.Combine(outDir, "comparison.json")), ComparisonJson)!;

    /// <summary>The total size of the three models the sample ran, from its --json output.</summary>
    public static long ModelBytes(string runJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(runJson));
        return doc.RootElement.GetProperty("modelBytes").GetInt64();
    }

    /// <summary>What each model the sample ran is, from its --json output: "PRECISION for TARGET" per built model, in pipeline order.</summary>
    public static string[] Precisions(string runJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(runJson));
        return [.. doc.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("Precision").GetString()!)];
    }

    public sealed record Comparison(bool Ok, int ReferenceBoxes, int CandidateBoxes, double WorstIou, double? SqnrDb, bool SameText, string[] Text);
}
