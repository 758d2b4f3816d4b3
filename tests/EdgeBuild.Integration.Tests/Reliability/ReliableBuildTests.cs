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

    private ConsumerProject Consumer(string parent, string name = "ReproApp", bool readOnlyModels = false)
    {
        var project = new ConsumerProject(feed, name, Path.Combine(feed.Work, parent));
        var model = project.CopyFile(TestAssets.Classifier, "models/cls.onnx");
        project.ItemXml = $"""    <EdgeModel Include="models/cls.onnx" TargetDevice="rpi5" Precision="none" ClassName="{ClassName}" Dims="N=1;H=48;W=192" />""";
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

    [Fact]
    public void Eight_parallel_builds_sharing_models_and_a_cache_give_identical_artifacts()
    {
        if (Environment.GetEnvironmentVariable("EDGEBUILD_RELIABILITY_BUILDS") != "1")
        {
            output.WriteLine("skipped: set EDGEBUILD_RELIABILITY_BUILDS=1 for eight parallel consumer builds");
            return;
        }

        var cache = Path.Combine(feed.Work, "shared-cache");
        var cliTakesCache = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "src", "EdgeBuild.Cli", "Commands", "OptimizeCommand.cs")).Contains("cache-dir", StringComparison.Ordinal);
        string[] extra = cliTakesCache ? [$"-p:EdgeBuildCacheDir={cache}"] : [];
        var projects = Enumerable.Range(0, 8).Select(i => Consumer("parallel", "ParallelApp" + i)).ToList();
        // Eight projects have eight namespaces, so manifests and generated code differ by design; the models must not.
        var results = projects.AsParallel().WithDegreeOfParallelism(8).Select(p => p.Build(extra)).ToList();

        Assert.All(results, r => r.EnsureSuccess());
        var reference = File.ReadAllBytes(Path.Combine(projects[0].BinDirectory, ClassName + ".onnx"));
        foreach (var p in projects)
            Assert.True(reference.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(p.BinDirectory, ClassName + ".onnx"))), $"{p.Name}'s model differs");
        output.WriteLine($"reliability figures (concurrency-msbuild): 8 parallel builds, shared cache {cliTakesCache}, 8 identical models");
    }
}
