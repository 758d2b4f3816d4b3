using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// Content-addressed store of optimization results: an entry is a folder <c>ROOT/ab/abcdef…/</c>
/// holding the output files (by role: "model", "report.json"…) and <c>entry.json</c> with their
/// SHA-256. Entries appear atomically (written to a temp folder, then renamed into place), so a
/// killed build or concurrent writers never leave a half-written entry; an entry whose files do not
/// match their hashes is ignored and replaced. A lock file per key lets concurrent builds of one
/// model wait for the first instead of repeating its work (a stale lock from a killed process is
/// released by the OS). Looks in the local folder, then the shared one; writes to both.
/// </summary>
public sealed class OptimizationCache
{
    private const string EntryFile = "entry.json";
    private readonly IReadOnlyList<string> _roots;
    private readonly Action<string> _log;

    /// <param name="localDir">Per-project cache (the build passes a folder under obj/), or null.</param>
    /// <param name="sharedDir">A folder shared between projects and CI runs (EdgeBuildCacheDir / EDGEBUILD_CACHE_DIR), or null.</param>
    /// <param name="log">Receives one line per hit, miss and store.</param>
    public OptimizationCache(string? localDir, string? sharedDir, Action<string>? log = null)
    {
        var roots = new List<string>();
        foreach (var dir in new[] { localDir, sharedDir })
        {
            if (string.IsNullOrEmpty(dir)) continue;
            var full = Path.GetFullPath(dir);
            if (!roots.Contains(full, StringComparer.Ordinal)) roots.Add(full);
        }

        _roots = roots;
        _log = log ?? (_ => { });
    }

    /// <summary>How long a build waits for another one computing the same key before computing it itself.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public bool Enabled => _roots.Count > 0;

    public IReadOnlyList<string> Roots => _roots;

    /// <summary>
    /// Restores the entry for <paramref name="key"/> into <paramref name="outputs"/> (role → destination
    /// path) if present; otherwise runs <paramref name="produce"/>, which must write every output, and
    /// stores them. Returns whether it was a hit.
    /// </summary>
    public CacheOutcome GetOrCreate(string key, IReadOnlyDictionary<string, string> outputs, Action produce)
    {
        if (!Enabled)
        {
            produce();
            return CacheOutcome.Disabled;
        }

        if (TryRestore(key, outputs, out var hitRoot))
        {
            _log($"cache hit {Short(key)} ({hitRoot})");
            return CacheOutcome.Hit;
        }

        using (var held = AcquireLock(key))
        {
            // Another build may have stored it while this one waited for the lock.
            if (held.WaitedForOther && TryRestore(key, outputs, out hitRoot))
            {
                _log($"cache hit {Short(key)} ({hitRoot}, after waiting for a concurrent build)");
                return CacheOutcome.Hit;
            }

            _log($"cache miss {Short(key)}: optimizing");
            produce();
            Store(key, outputs);
        }

        return CacheOutcome.Miss;
    }

    public bool TryRestore(string key, IReadOnlyDictionary<string, string> outputs, out string? root)
    {
        for (var i = 0; i < _roots.Count; i++)
        {
            var entry = EntryPath(_roots[i], key);
            if (!IsValid(entry, outputs.Keys)) continue;
            try
            {
                foreach (var (role, destination) in outputs) CopyAtomically(Path.Combine(entry, FileName(role)), destination);
            }
            catch (IOException)
            {
                continue; // replaced under us by a build that found it damaged: treat as a miss here
            }

            // A hit in the shared folder also fills the local one, so the next build needs no shared access.
            for (var j = 0; j < i; j++) TryStoreEntry(_roots[j], key, outputs);
            root = _roots[i];
            return true;
        }

        root = null;
        return false;
    }

    public void Store(string key, IReadOnlyDictionary<string, string> outputs)
    {
        foreach (var root in _roots)
        {
            if (TryStoreEntry(root, key, outputs)) _log($"cache store {Short(key)} ({root})");
        }
    }

    /// <summary>The entry folder of a key under one root (exists or not).</summary>
    public static string EntryPath(string root, string key) => Path.Combine(root, key[..2], key);

    /// <summary>Writes the entry into a temp folder next to its final place, then renames it there. Losing a race is fine.</summary>
    private bool TryStoreEntry(string root, string key, IReadOnlyDictionary<string, string> outputs)
    {
        var final = EntryPath(root, key);
        if (IsValid(final, outputs.Keys)) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temp = Path.Combine(Path.GetDirectoryName(final)!, $".tmp-{key[..12]}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var manifest = new JsonObject();
            foreach (var (role, source) in outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                var target = Path.Combine(temp, FileName(role));
                File.Copy(source, target);
                manifest[role] = CacheKeyBuilder.HashFile(target);
            }

            File.WriteAllText(Path.Combine(temp, EntryFile), manifest.ToJsonString());
            if (Directory.Exists(final) && !IsValid(final, outputs.Keys)) MoveAsideAndDelete(final);
            Directory.Move(temp, final);
            return true;
        }
        catch (IOException) when (IsValid(final, outputs.Keys))
        {
            return false; // a concurrent writer renamed its copy first; theirs is as good as ours
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>A damaged entry is renamed away first (atomic), so no reader ever sees it half-deleted.</summary>
    private static void MoveAsideAndDelete(string entry)
    {
        var trash = $"{entry}.trash-{Guid.NewGuid():N}";
        try
        {
            Directory.Move(entry, trash);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // another build moved or replaced it first
        }

        Directory.Delete(trash, recursive: true);
    }

    private static bool IsValid(string entry, IEnumerable<string> roles)
    {
        var manifestPath = Path.Combine(entry, EntryFile);
        if (!File.Exists(manifestPath)) return false;
        try
        {
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            foreach (var role in roles)
            {
                var path = Path.Combine(entry, FileName(role));
                if (manifest[role]?.GetValue<string>() is not { } expected || !File.Exists(path) || CacheKeyBuilder.HashFile(path) != expected)
                    return false;
            }

            return true;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void CopyAtomically(string source, string destination) => EdgeBuild.Onnx.IO.AtomicFile.Copy(source, destination);

    private HeldLock AcquireLock(string key)
    {
        var root = _roots[^1]; // the shared folder when there is one: that is where builds race
        var path = Path.Combine(root, key[..2], key + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = DateTime.UtcNow;
        var waited = false;
        while (true)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                return new HeldLock(stream, waited);
            }
            catch (IOException) when (DateTime.UtcNow - started < LockTimeout)
            {
                if (!waited) _log($"cache wait {Short(key)}: another build is optimizing the same inputs");
                waited = true;
                Thread.Sleep(100);
            }
            catch (IOException)
            {
                _log($"cache lock {Short(key)} still held after {LockTimeout.TotalMinutes:0} min; optimizing without it");
                return new HeldLock(null, waited);
            }
        }
    }

    private static string FileName(string role) => "out-" + string.Concat(role.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_'));

    private static string Short(string key) => key[..12];

    private sealed class HeldLock(FileStream? stream, bool waitedForOther) : IDisposable
    {
        public bool WaitedForOther { get; } = waitedForOther;

        public void Dispose() => stream?.Dispose();
    }
}

public enum CacheOutcome
{
    Disabled,
    Hit,
    Miss,
}
