using System.Globalization;
using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Hostile models against `edgebuild inspect` and `optimize --precision none`, in process under a watchdog.
/// Default: full structural coverage plus 30 s of random mutations with a fixed seed.
/// Long mode: EDGEBUILD_FUZZ_MINUTES=N (random seed unless EDGEBUILD_FUZZ_SEED), findings saved to
/// EDGEBUILD_FUZZ_FINDINGS (default: temp folder's edgebuild-fuzz-findings/); see docs/reliability.md.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HostileModelFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("edgebuild-fuzz-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // a hung run (reported as a failure already) may still be writing here
        }
    }

    [Fact]
    public void Hostile_models_get_only_documented_errors_no_hangs_no_corrupt_outputs()
    {
        var minutes = Env("EDGEBUILD_FUZZ_MINUTES");
        var budget = minutes is { } m ? TimeSpan.FromMinutes(m) : TimeSpan.FromSeconds(Env("EDGEBUILD_FUZZ_SECONDS") ?? 30);
        var seed = (int?)Env("EDGEBUILD_FUZZ_SEED") ?? (minutes is null ? 20261123 : Environment.TickCount);
        var findings = Environment.GetEnvironmentVariable("EDGEBUILD_FUZZ_FINDINGS") is { Length: > 0 } f
            ? f
            : Path.Combine(Path.GetTempPath(), "edgebuild-fuzz-findings");

        var campaign = new FuzzCampaign(seed, budget, perInputTimeout: TimeSpan.FromSeconds(60), _work, findings);
        campaign.Run();

        ReliabilityFigures.Record(output, minutes is null ? "fuzz" : "fuzz-long", campaign.Figures());
        foreach (var finding in campaign.Findings.Take(50)) output.WriteLine(finding.ToString());
        Assert.True(campaign.InputsTried >= StructuralMutations.All.Count, $"only {campaign.InputsTried} inputs tried");
        Assert.True(campaign.Verdicts[Verdict.Rejected] > 0, "no input was rejected: the mutations are not reaching the checks");
        Assert.True(campaign.Findings.Count == 0,
            $"{campaign.Findings.Count} findings (saved under {findings}):\n" + string.Join("\n", campaign.Findings.Take(20)));
    }

    private static double? Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// The reliability tests measure time and memory and start processes: they run one at a time, not alongside each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
