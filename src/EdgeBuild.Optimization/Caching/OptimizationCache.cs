using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeBuild.Onnx.IO;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// Content-addressed store of optimization results: an entry is a folder <c>ROOT/ab/abcdef…/</c>
/// holding the output files (by role: "model", "report.json"…) and <c>entry.json</c> with their
/// SHA-256. Entries appear atomically (written to a temp folder, then renamed into place), so a
/// killed build or concurrent writers never leave a half-written entry; an entry whose files do not
/// match their hashes is ignored and replaced. A lock file per key lets concurrent builds of one
/// model wait for the first instead of repeating its work (a stale lock from a killed process is
/// released by the OS). Looks in the local folder, then the shared one; writes to both.
/// Temporaries (entry folders being written, damaged entries being deleted, CachedOptimizer's result
/// file) carry their writer's PID (<see cref="AtomicFile.NewWriterTag"/>); the next write into the same
/// <c>ab/</c> folder deletes those whose process is gone, e.g. a build killed mid-store.
/// </summary>
public sealed class OptimizationCache
{
    private const string EntryFile = "entry.json";

    /// <summary><c>.tmp-KEY12-TAG…</c> (and AtomicFile's <c>..tmp-KEY12-TAG….PID-GUID.tmp</c> copies into one) and <c>KEY.trash-TAG</c>.</summary>
    private static readonly Regex TemporaryName = new(
        @"^(?:\.\.?tmp-[0-9a-f]{12}-|[0-9a-f]{64}\.trash-)(?<tag>[0-9]{1,10}-[0-9a-f]{32}|[0-9a-f]{32})",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
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
    /// <param name="key">The content key (<see cref="OptimizeCacheKey"/>).</param>
    /// <param name="outputs">Role → destination of the files every entry holds.</param>
    /// <param name="produce">Writes the outputs on a miss.</param>
    /// <param name="optionalOutputs">
    /// Outputs <paramref name="produce"/> may or may not write (a model's external data file): stored when they
    /// exist, restored when the entry has them, and deleted from their destination on a hit whose entry has none, so a
    /// restore never leaves a file of another run next to the restored ones. An entry is valid only with every file
    /// its entry.json lists, so one whose optional file is missing or damaged is a miss, never a partial restore.
    /// </param>
    public CacheOutcome GetOrCreate(string key, IReadOnlyDictionary<string, string> outputs, Action produce,
        IReadOnlyDictionary<string, string>? optionalOutputs = null)
    {
        if (!Enabled)
        {
            produce();
            return CacheOutcome.Disabled;
        }

        optionalOutputs ??= NoOutputs;
        if (TryRestore(key, outputs, out var hitRoot, optionalOutputs))
        {
            _log($"cache hit {Short(key)} ({hitRoot})");
            return CacheOutcome.Hit;
        }

        using (var held = AcquireLock(key))
        {
            // Look again even when the lock came at once: a concurrent build may have stored the entry and released
            // the lock between the lookup above and this lock. Without this second look both would optimize.
            if (TryRestore(key, outputs, out hitRoot, optionalOutputs))
            {
                _log($"cache hit {Short(key)} ({hitRoot}, {(held.WaitedForOther ? "after waiting for" : "stored meanwhile by")} a concurrent build)");
                return CacheOutcome.Hit;
            }

            _log($"cache miss {Short(key)}: optimizing");
            produce();
            Store(key, outputs, optionalOutputs);
        }

        return CacheOutcome.Miss;
    }

    /// <summary>Restores the entry's files if it is valid; see <see cref="GetOrCreate"/> for <paramref name="optionalOutputs"/>.</summary>
    public bool TryRestore(string key, IReadOnlyDictionary<string, string> outputs, out string? root,
        IReadOnlyDictionary<string, string>? optionalOutputs = null)
    {
        optionalOutputs ??= NoOutputs;
        for (var i = 0; i < _roots.Count; i++)
        {
            var entry = EntryPath(_roots[i], key);
            if (EntryRoles(entry, outputs.Keys) is not { } stored) continue;
            // Optional files first (external data before its model, as the writer commits them), then the required ones.
            var restore = optionalOutputs.Where(o => stored.Contains(o.Key)).Concat(outputs).ToList();
            try
            {
                foreach (var (role, destination) in restore) CopyAtomically(Path.Combine(entry, FileName(role)), destination);
            }
            catch (IOException)
            {
                continue; // replaced under us by a build that found it damaged: treat as a miss here
            }

            foreach (var (role, destination) in optionalOutputs)
            {
                if (!stored.Contains(role)) File.Delete(destination);
            }

            // A hit in the shared folder also fills the local one, so the next build needs no shared access.
            for (var j = 0; j < i; j++) TryStoreEntry(_roots[j], key, restore.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal));
            root = _roots[i];
            return true;
        }

        root = null;
        return false;
    }

    /// <summary>Stores <paramref name="outputs"/> and those of <paramref name="optionalOutputs"/> that exist.</summary>
    public void Store(string key, IReadOnlyDictionary<string, string> outputs, IReadOnlyDictionary<string, string>? optionalOutputs = null)
    {
        var files = new Dictionary<string, string>(outputs, StringComparer.Ordinal);
        foreach (var (role, source) in optionalOutputs ?? NoOutputs)
        {
            if (File.Exists(source)) files[role] = source;
        }

        foreach (var root in _roots)
        {
            if (TryStoreEntry(root, key, files)) _log($"cache store {Short(key)} ({root})");
        }
    }

    private static readonly IReadOnlyDictionary<string, string> NoOutputs = new Dictionary<string, string>();

    /// <summary>The entry folder of a key under one root (exists or not).</summary>
    public static string EntryPath(string root, string key) => Path.Combine(root, key[..2], key);

    /// <summary>
    /// A path for a temporary file of this run next to the key's entries (<c>ROOT/ab/.tmp-KEY12-PID-GUID-NAME</c>);
    /// the caller deletes it, and if the process is killed first, the next write into that folder does.
    /// </summary>
    public string NewTemporaryFile(string key, string name)
    {
        if (!Enabled) throw new InvalidOperationException("The cache has no folder.");
        var shard = Path.GetDirectoryName(EntryPath(_roots[0], key))!;
        Directory.CreateDirectory(shard);
        RemoveAbandonedTemporaries(shard);
        return Path.Combine(shard, TemporaryPrefix(key) + "-" + name);
    }

    /// <summary>
    /// Deletes the temporaries in one <c>ab/</c> folder whose writing process no longer runs (killed mid-store or
    /// mid-delete); never a live concurrent build's, never an entry or a lock file. Returns how many it deleted.
    /// </summary>
    public static int RemoveAbandonedTemporaries(string shard)
    {
        if (!Directory.Exists(shard)) return 0;
        var removed = 0;
        foreach (var path in Directory.EnumerateFileSystemEntries(shard))
        {
            var match = TemporaryName.Match(Path.GetFileName(path));
            if (!match.Success || !AtomicFile.IsAbandoned(match.Groups["tag"].Value, path)) continue;
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another build is cleaning up too, or the folder is read-only: a stray temporary is harmless
            }
        }

        return removed;
    }

    private static string TemporaryPrefix(string key) => $".tmp-{key[..12]}-{AtomicFile.NewWriterTag()}";

    /// <summary>Writes the entry into a temp folder next to its final place, then renames it there. Losing a race is fine.</summary>
    private bool TryStoreEntry(string root, string key, IReadOnlyDictionary<string, string> outputs)
    {
        var final = EntryPath(root, key);
        if (IsValid(final, outputs.Keys)) return false;
        var shard = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(shard);
        RemoveAbandonedTemporaries(shard);
        var temp = Path.Combine(shard, TemporaryPrefix(key));
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
        var trash = $"{entry}.trash-{AtomicFile.NewWriterTag()}";
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

    private static bool IsValid(string entry, IEnumerable<string> roles) => EntryRoles(entry, roles) is not null;

    /// <summary>
    /// The roles an entry holds when it is valid: it lists every one of <paramref name="required"/>, and every file it
    /// lists (required or optional) is present with its recorded SHA-256. Null otherwise.
    /// </summary>
    private static HashSet<string>? EntryRoles(string entry, IEnumerable<string> required)
    {
        var manifestPath = Path.Combine(entry, EntryFile);
        if (!File.Exists(manifestPath)) return null;
        try
        {
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            if (required.Any(role => !manifest.ContainsKey(role))) return null;
            foreach (var (role, hash) in manifest)
            {
                var path = Path.Combine(entry, FileName(role));
                if (hash?.GetValue<string>() is not { } expected || !File.Exists(path) || CacheKeyBuilder.HashFile(path) != expected)
                    return null;
            }

            return [.. manifest.Select(m => m.Key)];
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void CopyAtomically(string source, string destination) => AtomicFile.Copy(source, destination);

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
                // FileShare.None is an OS file lock (flock on Unix): a killed holder's lock goes with its process, and
                // its lock file, left behind, is simply taken by the next build. DeleteOnClose can let a late opener lock
                // the unlinked file while another locks a new one, but only after a holder released the key, i.e. stored
                // it or failed: both then look the entry up again before optimizing.
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
