using System.Text.RegularExpressions;
using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Acceptance 3 (cache half): projects sharing EdgeBuildCacheDir optimize a model once; `dotnet build -m` of four
/// such projects at once succeeds with identical models and one cache entry, optimized by one build while the
/// others wait on the key's lock and restore it (docs/cache.md).
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class SharedCacheTests(PackageFeedFixture feed, ITestOutputHelper output)
{
    private const string ClassName = "DirectionClassifier";

    /// <summary>Same model, options, class name and namespace: the same cache key whatever the project.</summary>
    private ConsumerProject Consumer(string parent, string name)
    {
        var project = new ConsumerProject(feed, name, parent);
        project.CopyFile(TestAssets.Classifier, "models/cls.onnx");
        project.ItemXml = $"""    <EdgeModel Include="models/cls.onnx" TargetDevice="rpi5" Precision="none" ClassName="{ClassName}" Namespace="Shared.Models" Dims="N=1;H=48;W=192" />""";
        return project;
    }

    private static string Model(ConsumerProject p) => Path.Combine(p.BinDirectory, ClassName + ".onnx");

    /// <summary>Entries are ROOT/ab/&lt;64 hex&gt;/ folders (docs/cache.md).</summary>
    private static int CacheEntries(string cache) =>
        Directory.Exists(cache)
            ? Directory.GetDirectories(cache).SelectMany(Directory.GetDirectories).Count(d => Path.GetFileName(d).Length == 64)
            : 0;

    /// <summary>
    /// The cache's own event lines (`cache miss 1a2b3c4d5e6f: optimizing`, `cache hit 1a2b3c4d5e6f (…)`), one per build
    /// of the model. Not any line containing "cache miss": the tool's summary line ends in `cache miss` too.
    /// </summary>
    private static int CacheEvents(string log, string outcome) =>
        Regex.Matches(log, outcome == "miss" ? @"cache miss [0-9a-f]{12}: optimizing" : @"cache hit [0-9a-f]{12} \(").Count;

    [Fact]
    public void Two_projects_sharing_a_cache_folder_optimize_the_model_once()
    {
        var parent = Path.Combine(feed.Work, "cache-two-" + Guid.NewGuid().ToString("N")[..6]);
        var cache = Path.Combine(parent, "shared cache");
        var first = Consumer(parent, "FirstApp");
        var second = Consumer(parent, "SecondApp");

        var a = first.Build($"-p:EdgeBuildCacheDir={cache}").EnsureSuccess();
        Assert.Contains("cache miss", a.Output, StringComparison.Ordinal);
        Assert.Equal(1, CacheEntries(cache));

        var b = second.Build($"-p:EdgeBuildCacheDir={cache}").EnsureSuccess();
        Assert.Contains("cache hit", b.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cache miss", b.Output, StringComparison.Ordinal);
        Assert.Equal(1, CacheEntries(cache));
        Assert.Equal(File.ReadAllBytes(Model(first)), File.ReadAllBytes(Model(second)));
    }

    [Fact]
    public void Parallel_build_of_four_projects_sharing_a_cache_succeeds()
    {
        var parent = Path.Combine(feed.Work, "cache-four-" + Guid.NewGuid().ToString("N")[..6]);
        var cache = Path.Combine(parent, "cache");
        var projects = Enumerable.Range(0, 4).Select(i => Consumer(parent, "App" + i)).ToList();
        foreach (var p in projects) p.WriteProject();
        var solution = Path.Combine(parent, "All.slnx");
        File.WriteAllText(solution, "<Solution>\n" + string.Concat(projects.Select(p => $"  <Project Path=\"{p.Name}/{p.Name}.csproj\" />\n")) + "</Solution>\n");

        var build = Dotnet.Run(parent, ["build", solution, "-m:4", "-nologo", "-v:n", $"-p:EdgeBuildCacheDir={cache}"], feed.Environment);

        build.EnsureSuccess("dotnet build -m:4 of four projects sharing a cache");
        var reference = File.ReadAllBytes(Model(projects[0]));
        foreach (var p in projects) Assert.Equal(reference, File.ReadAllBytes(Model(p)));
        Assert.Equal(1, CacheEntries(cache));
        var misses = CacheEvents(build.Output, "miss");
        var hits = CacheEvents(build.Output, "hit");
        output.WriteLine($"dotnet build -m:4, 4 projects, one shared cache: {misses} miss(es), {hits} hit(s), 1 entry, 4 identical models, {build.Elapsed.TotalSeconds:F0} s");
        output.WriteLine(string.Join('\n', build.Output.Split('\n').Where(l => l.Contains("cache ", StringComparison.Ordinal))));
        Assert.Equal((1, 3), (misses, hits));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(cache, "*", SearchOption.AllDirectories),
            f => f.EndsWith(".lock", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal));
    }
}
