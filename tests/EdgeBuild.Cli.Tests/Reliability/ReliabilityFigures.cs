using System.Text.Json;
using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Where the reliability tests put their figures: the test output (trx, `--logger "console;verbosity=detailed"`) and
/// one JSON file per test in $EDGEBUILD_RELIABILITY_FIGURES (default: the system temp folder's edgebuild-reliability/).
/// </summary>
internal static class ReliabilityFigures
{
    public static string Folder { get; } =
        Environment.GetEnvironmentVariable("EDGEBUILD_RELIABILITY_FIGURES") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "edgebuild-reliability");

    public static void Record(ITestOutputHelper output, string name, IReadOnlyDictionary<string, object> figures)
    {
        var json = JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true });
        output.WriteLine($"reliability figures ({name}):");
        output.WriteLine(json);
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, name + ".json"), json + "\n");
    }
}
