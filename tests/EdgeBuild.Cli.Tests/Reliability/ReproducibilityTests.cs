using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Same model, different folders (different absolute paths, spaces, non-ASCII): byte-identical optimized models and
/// manifests, since nothing path- or time-dependent may leak into them.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ReproducibilityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgebuild-repro-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Models => ["classifier", "detector", "conv-external"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Optimizing_in_two_folders_gives_identical_model_and_manifest(string seedName)
    {
        var seed = SeedModels.Get(seedName);
        string Optimize(string folder)
        {
            var model = new HostileInput(seedName, "seed", seed.Bytes, seed.SideFiles).WriteTo(Path.Combine(_root, folder, "models"));
            var outDir = Path.Combine(_root, folder, "obj");
            var (code, _, err) = CliRuns.InProcess(CliRuns.OptimizeArgs(model, outDir));
            Assert.True(code == ExitCodes.Ok, err);
            return outDir;
        }

        var a = Optimize("first");
        var b = Optimize(Path.Combine("second build", "ünïcödé 模型", "deeper"));

        var identical = 0;
        foreach (var (fa, fb) in CliRuns.Artifacts(a).Zip(CliRuns.Artifacts(b)))
        {
            Assert.True(File.ReadAllBytes(fa).AsSpan().SequenceEqual(File.ReadAllBytes(fb)), $"{Path.GetFileName(fa)} differs between folders");
            identical++;
        }

        Assert.DoesNotContain(_root, File.ReadAllText(CliRuns.Artifacts(a)[1]), StringComparison.Ordinal);
        ReliabilityFigures.Record(output, "reproducibility-cli-" + seedName, new Dictionary<string, object> { ["identicalArtifacts"] = identical, ["differing"] = 0 });
    }
}
