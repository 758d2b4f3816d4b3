using System.Diagnostics;
using System.Text.Json;
using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Caching;

/// <summary>
/// `optimize --cache-dir` end to end on the real classifier (docs/cache.md): a repeat is a hit that is much
/// faster, every input that can change a result makes a miss, and concurrent builds share one entry.
/// </summary>
public sealed class OptimizeCacheTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-cli-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Cache => Path.Combine(_dir, "cache");

    /// <summary>Four real images: enough to calibrate the classifier in seconds.</summary>
    private string CalibrationFolder(string name = "calib", int count = 4)
    {
        var folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        foreach (var image in Directory.GetFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).Take(count))
            File.Copy(image, Path.Combine(folder, Path.GetFileName(image)), overwrite: true);
        return folder;
    }

    private string[] Args(string model, string outDir, params string[] extra) =>
    [
        "optimize", model, "--target", "rpi5", "--output", Path.Combine(outDir, "Cls.onnx"),
        "--manifest", Path.Combine(outDir, "Cls.edgemodel.json"), "--report", Path.Combine(outDir, "Cls.report.json"),
        "--cache-dir", Cache, .. extra,
    ];

    private static string CacheOutcome(string stderr) =>
        stderr.Contains("cache hit ", StringComparison.Ordinal) ? "hit"
        : stderr.Contains("cache miss ", StringComparison.Ordinal) ? "miss"
        : "none";

    [Fact]
    public void The_same_int8_optimization_twice_is_a_hit_taking_at_most_a_tenth_of_the_time()
    {
        var calib = CalibrationFolder();
        string[] int8 = ["--precision", "int8", "--calibration-data", calib, "--min-sqnr", "10", "--json"];

        var watch = Stopwatch.StartNew();
        var (code1, out1, err1) = CliRuns.InProcess(Args(TestAssets.Classifier, Path.Combine(_dir, "a"), int8));
        var first = watch.Elapsed;
        watch.Restart();
        var (code2, out2, err2) = CliRuns.InProcess(Args(TestAssets.Classifier, Path.Combine(_dir, "b"), int8));
        var second = watch.Elapsed;

        Assert.True(code1 == 0, err1);
        Assert.True(code2 == 0, err2);
        Assert.Equal("miss", CacheOutcome(err1));
        Assert.Equal("hit", CacheOutcome(err2));
        using (var r1 = JsonDocument.Parse(out1))
        using (var r2 = JsonDocument.Parse(out2))
        {
            Assert.Equal("miss", r1.RootElement.GetProperty("cache").GetString());
            Assert.Equal("hit", r2.RootElement.GetProperty("cache").GetString());
            Assert.Equal("hit", r2.RootElement.GetProperty("report").GetProperty("cache").GetString());
            Assert.Equal(r1.RootElement.GetProperty("sha256").GetString(), r2.RootElement.GetProperty("sha256").GetString());
            Assert.Equal(Path.Combine(_dir, "b", "Cls.onnx"), r2.RootElement.GetProperty("outputPath").GetString());
        }

        foreach (var file in new[] { "Cls.onnx", "Cls.edgemodel.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", file)), File.ReadAllBytes(Path.Combine(_dir, "b", file)));
        Assert.True(File.Exists(Path.Combine(_dir, "b", "Cls.report.html")));

        var ratio = second.TotalMilliseconds / first.TotalMilliseconds;
        output.WriteLine($"cache figures: miss {first.TotalMilliseconds:F0} ms, hit {second.TotalMilliseconds:F0} ms, ratio {ratio:P2}");
        Assert.True(ratio <= 0.10, $"the hit took {ratio:P1} of the miss ({second.TotalMilliseconds:F0} ms vs {first.TotalMilliseconds:F0} ms)");
    }

    [Fact]
    public void Any_change_to_model_data_profile_or_options_is_a_miss()
    {
        var model = CliRuns.CopyModel(TestAssets.Classifier, Path.Combine(_dir, "src"));
        var calib = CalibrationFolder();
        var profile = Path.Combine(_dir, "board.json");
        File.WriteAllText(profile, """{ "extends": "rpi5", "session": { "intraOpThreads": 4 } }""");
        var run = 0;
        string Outcome(string modelPath, params string[] extra)
        {
            var (code, _, err) = CliRuns.InProcess(Args(modelPath, Path.Combine(_dir, "out" + run++),
                ["--precision", "none", "--calibration-data", calib, "--profile", profile, .. extra]));
            Assert.True(code == 0, err);
            return CacheOutcome(err);
        }

        Assert.Equal("miss", Outcome(model));
        Assert.Equal("hit", Outcome(model));

        // Model: same graph, one metadata byte different.
        var changed = Onnx.ModelFile.Load(model);
        changed.DocString = "changed";
        var changedPath = Path.Combine(_dir, "src2", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(changedPath)!);
        File.WriteAllBytes(changedPath, Google.Protobuf.MessageExtensions.ToByteArray(changed));
        Assert.Equal("miss", Outcome(changedPath));

        // Data: one more calibration file, then one file's contents changed.
        File.Copy(Directory.GetFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).Last(), Path.Combine(calib, "extra.png"));
        Assert.Equal("miss", Outcome(model));
        File.WriteAllBytes(Path.Combine(calib, "extra.png"), File.ReadAllBytes(Directory.GetFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).First()));
        Assert.Equal("miss", Outcome(model));
        Assert.Equal("hit", Outcome(model));

        // Profile: one field.
        File.WriteAllText(profile, """{ "extends": "rpi5", "session": { "intraOpThreads": 2 } }""");
        Assert.Equal("miss", Outcome(model));

        // Options: one each.
        Assert.Equal("miss", Outcome(model, "--dims", "p2o.DynamicDimension.1=48;p2o.DynamicDimension.2=192"));
        Assert.Equal("miss", Outcome(model, "--min-sqnr", "25"));
        Assert.Equal("miss", Outcome(model, "--namespace", "Other"));
        Assert.Equal("hit", Outcome(model, "--namespace", "Other"));
    }

    [Fact]
    public void Four_concurrent_optimizations_on_one_shared_cache_give_four_identical_results_and_one_entry()
    {
        var model = CliRuns.CopyModel(TestAssets.Classifier, Path.Combine(_dir, "src"));
        var folders = Enumerable.Range(0, 4).Select(i => Path.Combine(_dir, "build" + i)).ToList();

        var results = folders.AsParallel().WithDegreeOfParallelism(4)
            .Select(folder => OutOfProcessCli.Run(Args(model, folder, "--precision", "none"), TimeSpan.FromMinutes(5)))
            .ToList();

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        foreach (var file in new[] { "Cls.onnx", "Cls.edgemodel.json" })
        {
            var expected = File.ReadAllBytes(Path.Combine(folders[0], file));
            Assert.All(folders, f => Assert.Equal(expected, File.ReadAllBytes(Path.Combine(f, file))));
        }

        var entries = Directory.GetDirectories(Cache).SelectMany(Directory.GetDirectories).ToList();
        Assert.Single(entries);
        Assert.Equal(1, results.Count(r => CacheOutcome(r.Stderr) == "miss"));
        Assert.Equal(3, results.Count(r => CacheOutcome(r.Stderr) == "hit"));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Cache, "*", SearchOption.AllDirectories),
            f => f.EndsWith(".lock", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith(".tmp", StringComparison.Ordinal));
    }
}
