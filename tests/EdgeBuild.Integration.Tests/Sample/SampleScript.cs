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

    /// <summary>The size of the model the sample ran, from its --json output.</summary>
    public static long ModelBytes(string detectionJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(detectionJson));
        return doc.RootElement.GetProperty("modelBytes").GetInt64();
    }

    /// <summary>The precision the sample's build gave its model, from its --json output (null for a --model run).</summary>
    public static string? BuiltPrecision(string detectionJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(detectionJson));
        return doc.RootElement.TryGetProperty("precision", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
    }

    public sealed record Comparison(bool Ok, int ReferenceBoxes, int CandidateBoxes, double WorstIou, double? SqnrDb);
}
