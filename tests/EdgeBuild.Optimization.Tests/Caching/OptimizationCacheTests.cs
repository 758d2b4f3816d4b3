using EdgeBuild.Optimization.Caching;
using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Caching;

public sealed class OptimizationCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A real, deterministic optimization: ONNX Runtime's offline graph optimization of the classifier.</summary>
    private static void OptimizeWithOrt(string source, string destination)
    {
        var temp = destination + ".partial";
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = temp })
        using (new InferenceSession(source, options))
        {
        }

        File.Move(temp, destination, overwrite: true);
    }

    private static string Key(string model) =>
        new CacheKeyBuilder().AddModel(model).AddText("options", "extended").AddToolVersion().Build();

    [Fact]
    public void Second_run_is_a_hit_that_restores_identical_bytes()
    {
        var log = new List<string>();
        var cache = new OptimizationCache(Path.Combine(_dir, "local"), null, log.Add);
        var key = Key(TestAssets.Classifier);
        var first = Path.Combine(_dir, "out1", "cls.onnx");
        var second = Path.Combine(_dir, "out2", "cls.onnx");
        var produced = 0;

        Assert.Equal(CacheOutcome.Miss, cache.GetOrCreate(key, new Dictionary<string, string> { ["model"] = first },
            () => { produced++; Directory.CreateDirectory(Path.GetDirectoryName(first)!); OptimizeWithOrt(TestAssets.Classifier, first); }));
        Assert.Equal(CacheOutcome.Hit, cache.GetOrCreate(key, new Dictionary<string, string> { ["model"] = second },
            () => { produced++; throw new InvalidOperationException("must not run on a hit"); }));

        Assert.Equal(1, produced);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Contains(log, l => l.StartsWith("cache miss " + key[..12], StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("cache hit " + key[..12], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Four_concurrent_optimizations_on_one_shared_folder_give_four_identical_results_and_one_entry()
    {
        var shared = Path.Combine(_dir, "shared");
        var key = Key(TestAssets.Classifier);
        var outputs = Enumerable.Range(0, 4).Select(i => Path.Combine(_dir, $"build{i}", "cls.onnx")).ToArray();
        var produced = 0;
        using var start = new Barrier(4);

        var tasks = outputs.Select((output, i) => Task.Factory.StartNew(() =>
        {
            // Each build has its own obj/ cache and the shared one, as four CI jobs on one agent would.
            var cache = new OptimizationCache(Path.Combine(_dir, $"build{i}", "obj-cache"), shared);
            start.SignalAndWait();
            return cache.GetOrCreate(key, new Dictionary<string, string> { ["model"] = output }, () =>
            {
                Interlocked.Increment(ref produced);
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                OptimizeWithOrt(TestAssets.Classifier, output);
            });
        }, TaskCreationOptions.LongRunning)).ToArray();
        var outcomes = await Task.WhenAll(tasks);

        var expected = File.ReadAllBytes(outputs[0]);
        Assert.All(outputs, o => Assert.Equal(expected, File.ReadAllBytes(o)));
        Assert.True(produced >= 1);
        Assert.Equal(produced, outcomes.Count(o => o == CacheOutcome.Miss));

        var entries = Directory.GetDirectories(Path.Combine(shared, key[..2]));
        Assert.Equal([OptimizationCache.EntryPath(shared, key)], entries);
        Assert.Empty(Directory.GetFiles(Path.Combine(shared, key[..2]), "*.lock"));
        using (var session = new InferenceSession(outputs[3])) Assert.NotEmpty(session.InputMetadata);
    }

    [Fact]
    public async Task Concurrent_writers_of_one_key_without_the_lock_end_with_one_good_entry()
    {
        var root = Path.Combine(_dir, "race");
        var key = new string('b', 64);
        var sources = Enumerable.Range(0, 8).Select(i =>
        {
            var path = Path.Combine(_dir, $"src{i}.onnx");
            File.Copy(TestAssets.Classifier, path);
            return path;
        }).ToArray();
        using var start = new Barrier(sources.Length);
        await Task.WhenAll(sources.Select(source => Task.Factory.StartNew(() =>
        {
            var cache = new OptimizationCache(root, null);
            start.SignalAndWait();
            cache.Store(key, new Dictionary<string, string> { ["model"] = source });
        }, TaskCreationOptions.LongRunning)));

        Assert.Equal([OptimizationCache.EntryPath(root, key)], Directory.GetDirectories(Path.Combine(root, key[..2])));
        var restored = Path.Combine(_dir, "restored.onnx");
        Assert.True(new OptimizationCache(root, null).TryRestore(key, new Dictionary<string, string> { ["model"] = restored }, out _));
        Assert.Equal(File.ReadAllBytes(TestAssets.Classifier), File.ReadAllBytes(restored));
    }

    [Fact]
    public void A_half_written_or_corrupted_entry_is_a_miss_and_gets_replaced()
    {
        var root = Path.Combine(_dir, "local");
        var key = Key(TestAssets.Classifier);
        var output = Path.Combine(_dir, "out", "cls.onnx");
        var outputs = new Dictionary<string, string> { ["model"] = output };
        void Produce()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            OptimizeWithOrt(TestAssets.Classifier, output);
        }

        // A build killed mid-store leaves only a temp folder; a killed rename never happens.
        Directory.CreateDirectory(Path.Combine(root, key[..2], ".tmp-" + key[..12] + "-dead"));
        var cache = new OptimizationCache(root, null);
        Assert.Equal(CacheOutcome.Miss, cache.GetOrCreate(key, outputs, Produce));

        // Flip one byte of the stored model: the entry no longer matches its hashes.
        var stored = Directory.GetFiles(OptimizationCache.EntryPath(root, key), "out-model").Single();
        var bytes = File.ReadAllBytes(stored);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(stored, bytes);
        Assert.Equal(CacheOutcome.Miss, cache.GetOrCreate(key, outputs, Produce));
        Assert.Equal(CacheOutcome.Hit, cache.GetOrCreate(key, outputs, () => throw new InvalidOperationException("must hit")));
    }

    [Fact]
    public void A_hit_in_the_shared_folder_fills_the_local_one()
    {
        var shared = Path.Combine(_dir, "shared");
        var key = Key(TestAssets.Classifier);
        var output = Path.Combine(_dir, "a", "cls.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        new OptimizationCache(null, shared).GetOrCreate(key, new Dictionary<string, string> { ["model"] = output },
            () => OptimizeWithOrt(TestAssets.Classifier, output));

        var local = Path.Combine(_dir, "b-obj");
        var other = new OptimizationCache(local, shared);
        Assert.Equal(CacheOutcome.Hit, other.GetOrCreate(key, new Dictionary<string, string> { ["model"] = Path.Combine(_dir, "b", "cls.onnx") },
            () => throw new InvalidOperationException("must hit")));
        Assert.True(Directory.Exists(OptimizationCache.EntryPath(local, key)));
    }

    [Fact]
    public void Without_any_folder_the_cache_is_disabled_and_always_produces()
    {
        var cache = new OptimizationCache(null, null);
        var runs = 0;
        Assert.Equal(CacheOutcome.Disabled, cache.GetOrCreate(new string('a', 64), new Dictionary<string, string>(), () => runs++));
        Assert.Equal(1, runs);
    }
}
