using System.Diagnostics;
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
        // One computes while the others wait on the key's lock, then restore its entry.
        Assert.Equal(1, produced);
        Assert.Equal(1, outcomes.Count(o => o == CacheOutcome.Miss));
        Assert.Equal(3, outcomes.Count(o => o == CacheOutcome.Hit));

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

    /// <summary>The id of a process that has exited (ids are reused only after wrapping around).</summary>
    private static int DeadProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    private static bool IsLocked(string path)
    {
        try
        {
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_build_waits_for_the_keys_lock_and_a_killed_holder_does_not_block_it()
    {
        var root = Path.Combine(_dir, "shared");
        var key = Key(TestAssets.Classifier);
        var lockFile = Path.Combine(root, key[..2], key + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        // Another build holding the key's lock: util-linux flock(1) takes the same flock(2) lock FileShare.None does;
        // -o keeps it in flock itself, so killing that process (as CI kills a cancelled build) is what releases it.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-o", lockFile, "sleep", "600"]) { UseShellExecute = false })!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(File.Exists(lockFile) && IsLocked(lockFile)) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(IsLocked(lockFile), "flock did not take the lock");

        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var output = Path.Combine(_dir, "out", "cls.onnx");
        var produced = 0;
        var build = Task.Factory.StartNew(() => new OptimizationCache(null, root, log.Enqueue)
            .GetOrCreate(key, new Dictionary<string, string> { ["model"] = output }, () =>
            {
                produced++;
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                OptimizeWithOrt(TestAssets.Classifier, output);
            }), TaskCreationOptions.LongRunning);

        while (!build.IsCompleted && !log.Contains($"cache wait {key[..12]}: another build is optimizing the same inputs") && DateTime.UtcNow < deadline.AddSeconds(30))
            await Task.Delay(20);
        await Task.Delay(300);
        Assert.False(build.IsCompleted, "the build did not wait for the lock's holder");
        Assert.Equal(0, produced);

        holder.Kill(entireProcessTree: true); // SIGKILL: no cleanup; the lock file stays, the OS drops the lock
        await holder.WaitForExitAsync();
        Assert.Equal(CacheOutcome.Miss, await build.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(1, produced);
        Assert.False(File.Exists(lockFile), "the lock file left by the killed holder was not removed after use");
        Assert.True(Directory.Exists(OptimizationCache.EntryPath(root, key)));
    }

    [Fact]
    public void Temporaries_of_killed_builds_are_deleted_by_the_next_store_and_a_live_builds_are_kept()
    {
        var root = Path.Combine(_dir, "local");
        var key = Key(TestAssets.Classifier);
        var shard = Path.Combine(root, key[..2]);
        var dead = DeadProcessId();
        var k12 = key[..12];
        string Folder(string name, TimeSpan? age = null)
        {
            var path = Path.Combine(shard, name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "out-model"), "partial");
            if (age is { } a) Directory.SetLastWriteTimeUtc(path, DateTime.UtcNow - a);
            return path;
        }

        string FileIn(string name)
        {
            Directory.CreateDirectory(shard);
            var path = Path.Combine(shard, name);
            File.WriteAllText(path, "partial");
            return path;
        }

        var stale = new[]
        {
            Folder($".tmp-{k12}-{dead}-{Guid.NewGuid():N}"),                              // entry being written, build killed
            Folder($"{key}.trash-{dead}-{Guid.NewGuid():N}"),                            // damaged entry being deleted, build killed
            FileIn($".tmp-{k12}-{dead}-{Guid.NewGuid():N}-result.json"),                 // CachedOptimizer's result file
            FileIn($"..tmp-{k12}-{dead}-{Guid.NewGuid():N}-result.json.{dead}-{Guid.NewGuid():N}.tmp"), // its atomic copy
            Folder($".tmp-{k12}-{Guid.NewGuid():N}", TimeSpan.FromHours(1)),             // older GUID-only name, long abandoned
        };
        var kept = new[]
        {
            Folder($".tmp-{k12}-{Environment.ProcessId}-{Guid.NewGuid():N}"),            // a live concurrent build's
            Folder($".tmp-{k12}-{Guid.NewGuid():N}"),                                   // GUID-only and recent: cannot tell
            FileIn($"{new string('c', 64)}.lock"),                                       // another key's lock
            Folder(new string('d', 64)),                                                 // another key's entry
        };

        var output = Path.Combine(_dir, "out", "cls.onnx");
        Assert.Equal(CacheOutcome.Miss, new OptimizationCache(root, null).GetOrCreate(key, new Dictionary<string, string> { ["model"] = output }, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            OptimizeWithOrt(TestAssets.Classifier, output);
        }));

        Assert.All(stale, p => Assert.False(Path.Exists(p), $"{Path.GetFileName(p)} was not removed"));
        Assert.All(kept, p => Assert.True(Path.Exists(p), $"{Path.GetFileName(p)} was removed"));
        Assert.True(Directory.Exists(OptimizationCache.EntryPath(root, key)));
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
