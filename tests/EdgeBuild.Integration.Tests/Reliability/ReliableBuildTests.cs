using System.Text.RegularExpressions;
using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Integration.Tests.Reliability;

/// <summary>
/// Reliability at the MSBuild level, through the packed package as a user consumes it: clean builds of the same
/// project in two different folders (the second with spaces, non-ASCII characters and a read-only model folder)
/// give byte-identical optimized models, manifests and generated code. Eight parallel builds of different projects
/// sharing the models (and one cache folder) are opt-in: EDGEBUILD_RELIABILITY_BUILDS=1 (several minutes on 2 cores).
/// </summary>
[Collection(PackageFeedCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReliableBuildTests(PackageFeedFixture feed, ITestOutputHelper output)
{
    private const string ClassName = "DirectionClassifier";

    /// <param name="sharedNamespace">The wrapper's namespace when it must not follow the project's name (projects that share a cache key).</param>
    private ConsumerProject Consumer(string parent, string name = "ReproApp", bool readOnlyModels = false, string? sharedNamespace = null)
    {
        var project = new ConsumerProject(feed, name, Path.Combine(feed.Work, parent));
        var model = project.CopyFile(TestAssets.Classifier, "models/cls.onnx");
        var ns = sharedNamespace is null ? "" : $" Namespace=\"{sharedNamespace}\"";
        project.ItemXml = $"""    <EdgeModel Include="models/cls.onnx" TargetDevice="rpi5" Precision="none" ClassName="{ClassName}"{ns} Dims="N=1;H=48;W=192" />""";
        // Generated sources on disk so they can be compared; the generator itself never writes files.
        project.PropertiesXml = "    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>";
        if (readOnlyModels)
        {
            File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.SetUnixFileMode(Path.GetDirectoryName(model)!, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        return project;
    }

    /// <summary>Relative path → bytes of everything a build derives from the model.</summary>
    private static SortedDictionary<string, byte[]> Artifacts(ConsumerProject project)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["bin/" + ClassName + ".onnx"] = File.ReadAllBytes(Path.Combine(project.BinDirectory, ClassName + ".onnx")),
            ["obj/" + ClassName + ".edgemodel.json"] = File.ReadAllBytes(Path.Combine(project.EdgeBuildObjDirectory, ClassName + ".edgemodel.json")),
        };
        var generated = Path.Combine(project.Directory, "obj", "Debug", "net10.0", "generated");
        foreach (var file in Directory.GetFiles(generated, "*.g.cs", SearchOption.AllDirectories).Where(f => f.Contains("EdgeBuild", StringComparison.Ordinal)))
            files["generated/" + Path.GetRelativePath(generated, file)] = File.ReadAllBytes(file);
        return files;
    }

    [Fact]
    public void Clean_builds_in_different_folders_give_identical_models_manifests_and_generated_code()
    {
        var first = Consumer("repro-a");
        var second = Consumer(Path.Combine("repro b with spaces", "ünïcödé 模型"), readOnlyModels: true);
        var sourceBefore = File.ReadAllBytes(Path.Combine(second.Directory, "models", "cls.onnx"));

        first.Build().EnsureSuccess();
        second.Build().EnsureSuccess();

        var a = Artifacts(first);
        var b = Artifacts(second);
        Assert.Contains(a.Keys, k => k.StartsWith("generated/", StringComparison.Ordinal));
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(a[key].AsSpan().SequenceEqual(b[key]), $"{key} differs between the two folders");
        Assert.Equal(sourceBefore, File.ReadAllBytes(Path.Combine(second.Directory, "models", "cls.onnx")));
        Assert.Equal(["cls.onnx"], Directory.GetFiles(Path.Combine(second.Directory, "models")).Select(Path.GetFileName));

        output.WriteLine($"reliability figures (reproducibility-msbuild): {a.Count} artifacts compared, 0 differ: {string.Join(", ", a.Keys)}");
    }

    [OptInFact("EDGEBUILD_RELIABILITY_BUILDS", "eight parallel consumer builds")]
    public void Eight_parallel_builds_sharing_models_and_a_cache_give_identical_artifacts()
    {
        var cache = Path.Combine(feed.Work, "shared-cache");
        string[] extra = [$"-p:EdgeBuildCacheDir={cache}"];
        // One wrapper namespace for all eight: the same cache key, so the builds race for one entry (the key's lock),
        // and every artifact, manifest and generated code included, must come out byte-identical.
        var projects = Enumerable.Range(0, 8).Select(i => Consumer("parallel", "ParallelApp" + i, sharedNamespace: "Parallel.Models")).ToList();
        var results = projects.AsParallel().WithDegreeOfParallelism(8).Select(p => p.Build(extra)).ToList();

        var failed = results.Count(r => r.ExitCode != 0);
        var reference = Artifacts(projects[0]);
        var corrupt = projects.Count(p =>
        {
            var artifacts = Artifacts(p);
            return !artifacts.Keys.SequenceEqual(reference.Keys) || reference.Any(a => !a.Value.AsSpan().SequenceEqual(artifacts[a.Key]));
        });
        var log = string.Concat(results.Select(r => r.Output));
        var misses = Regex.Matches(log, @"cache miss [0-9a-f]{12}: optimizing").Count;
        var hits = Regex.Matches(log, @"cache hit [0-9a-f]{12} \(").Count;
        var entries = Directory.GetDirectories(cache).SelectMany(Directory.GetDirectories).Count(d => Path.GetFileName(d).Length == 64);
        var leftovers = Directory.GetFileSystemEntries(cache, "*", SearchOption.AllDirectories)
            .Count(f => f.EndsWith(".lock", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal));
        output.WriteLine($"reliability figures (concurrency-msbuild): 8 parallel builds, one shared cache: {failed} failed, {corrupt} with differing artifacts " +
                         $"({reference.Count} compared each), {misses} miss(es), {hits} hit(s), {entries} entr(y/ies), {leftovers} lock/temp files left, " +
                         $"slowest build {results.Max(r => r.Elapsed.TotalSeconds):F0} s");

        Assert.All(results, r => r.EnsureSuccess());
        Assert.Equal(0, corrupt);
        Assert.Equal((1, 7, 1, 0), (misses, hits, entries, leftovers));
    }
}
