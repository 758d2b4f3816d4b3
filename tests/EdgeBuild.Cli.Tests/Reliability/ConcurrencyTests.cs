using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Eight `edgebuild optimize` processes at once on the same model (as parallel CI jobs or `dotnet build -m` do):
/// half into folders of their own, half into one shared folder; every artifact is identical to a serial run's.
/// All eight share one --cache-dir folder: the first to take the key's lock optimizes, the others restore its entry.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ConcurrencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Parallel = 8;
    private readonly string _root = Directory.CreateTempSubdirectory("edgebuild-parallel-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Eight_parallel_optimizations_of_one_model_give_identical_artifacts()
    {
        var model = CliRuns.CopyModel(CliRuns.Classifier, Path.Combine(_root, "src"));
        var refDir = Path.Combine(_root, "ref");
        var (code, _, err) = CliRuns.InProcess(CliRuns.OptimizeArgs(model, refDir));
        Assert.True(code == ExitCodes.Ok, err);
        var expected = CliRuns.Artifacts(refDir).Select(File.ReadAllBytes).ToArray();

        var cache = Path.Combine(_root, "shared-cache");
        string[] Args(string outDir) => [.. CliRuns.OptimizeArgs(model, outDir), "--cache-dir", cache];

        // Half of the processes write to folders of their own, half race for the same output paths.
        string Folder(int i) => Path.Combine(_root, i < Parallel / 2 ? $"p{i}" : "shared-output");
        var results = RunAll(Enumerable.Range(0, Parallel).Select(i => Args(Folder(i))).ToList());

        var identical = 0;
        foreach (var dir in Enumerable.Range(0, Parallel).Select(Folder).Distinct())
        {
            foreach (var (file, bytes) in CliRuns.Artifacts(dir).Zip(expected))
            {
                Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} differs from the serial run");
                identical++;
            }

            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }

        ReliabilityFigures.Record(output, "concurrency-cli", new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["parallelProcesses"] = Parallel,
            ["processesSharingOneOutputFolder"] = Parallel - Parallel / 2,
            ["sharedCache"] = true,
            ["failedRuns"] = results.Count(r => r.ExitCode != 0),
            ["identicalArtifacts"] = identical,
            ["differingArtifacts"] = 0,
        });
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
    }

    private static List<OutOfProcessCli.Result> RunAll(List<string[]> argsList) =>
        argsList.AsParallel().WithDegreeOfParallelism(Parallel)
            .Select(args => OutOfProcessCli.Run(args, TimeSpan.FromMinutes(5)))
            .ToList();
}
