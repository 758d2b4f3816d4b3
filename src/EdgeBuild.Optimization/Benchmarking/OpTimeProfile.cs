using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Benchmarking;

/// <summary>
/// Where a model spends its time, per operator type, from ONNX Runtime's own profiler
/// (SessionOptions.EnableProfiling). A DequantizeLinear or float Conv left in a quantized model's
/// profile is a QDQ fusion that failed; this is how we find them.
/// </summary>
public sealed record OpTimeProfile(IReadOnlyList<OpTime> ByOpType, long TotalMicroseconds, int Runs)
{
    /// <summary>Kernel time per node of ORT's optimized graph (its node names: fused nodes keep or extend the original's), by name.</summary>
    public IReadOnlyList<NodeTime> ByNode { get; init; } = [];

    /// <summary>Runs the model <paramref name="runs"/> times on <paramref name="feed"/> after one warm-up run and aggregates kernel times.</summary>
    public static OpTimeProfile Measure(byte[] model, Func<SessionOptions> options, IReadOnlyList<(string Name, OrtValue Value)> feed, int runs)
    {
        var prefix = Path.Combine(ProfileFolder.Value ?? Path.GetTempPath(), $"edgebuild-profile-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string file;
        using (var so = options())
        {
            // Prefix first: ORT's C# EnableProfiling setter hands ORT the prefix it holds at that moment, and setting the
            // prefix afterwards changes nothing native (profiles went to "onnxruntime_profile_*" in the working folder).
            so.ProfileOutputPathPrefix = prefix;
            so.EnableProfiling = true;
            using var session = new InferenceSession(model, so);
            using var runOptions = new RunOptions();
            var names = feed.Select(f => f.Name).ToList();
            var values = feed.Select(f => f.Value).ToList();
            var outputs = session.OutputMetadata.Keys.ToList();
            for (var i = 0; i <= runs; i++)
            {
                using var _ = session.Run(runOptions, names, values, outputs);
            }

            file = session.EndProfiling();
        }

        try
        {
            return Parse(File.ReadAllBytes(file), runs);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Where profiles are written (and deleted after reading): the temp folder, unless <see cref="WriteProfilesTo"/> scoped another.</summary>
    private static readonly AsyncLocal<string?> ProfileFolder = new();

    /// <summary>
    /// Test seam: profiles taken in this async flow go to <paramref name="folder"/> until disposed. A folder that does not
    /// exist makes the measurement fail as a vanished or unwritable temp folder does. Scoped, not global, so parallel tests
    /// and concurrent runs in the process are unaffected.
    /// </summary>
    internal static IDisposable WriteProfilesTo(string folder)
    {
        var previous = ProfileFolder.Value;
        ProfileFolder.Value = folder;
        return new RestoreFolder(previous);
    }

    private sealed class RestoreFolder(string? previous) : IDisposable
    {
        public void Dispose() => ProfileFolder.Value = previous;
    }

    /// <summary>
    /// Aggregates the "Node" events of an ORT profile: every run's, the warm-up's included (nothing here tells them apart),
    /// so a per-run figure is a total over <paramref name="runs"/> + 1; <paramref name="runs"/> (the timed runs) is kept as <see cref="Runs"/>.
    /// </summary>
    public static OpTimeProfile Parse(byte[] json, int runs)
    {
        using var doc = JsonDocument.Parse(json);
        var totals = new Dictionary<string, (long Us, int Count)>(StringComparer.Ordinal);
        var nodes = new Dictionary<string, NodeTime>(StringComparer.Ordinal);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("cat", out var cat) || cat.GetString() != "Node") continue;
            if (!e.TryGetProperty("args", out var args) || !args.TryGetProperty("op_name", out var op)) continue;
            var name = e.GetProperty("name").GetString() ?? "";
            if (!name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            var key = op.GetString() ?? "?";
            var dur = e.GetProperty("dur").GetInt64();
            totals[key] = totals.TryGetValue(key, out var t) ? (t.Us + dur, t.Count + 1) : (dur, 1);
            var node = name[..^"_kernel_time".Length];
            nodes[node] = nodes.TryGetValue(node, out var n) ? n with { Microseconds = n.Microseconds + dur, Calls = n.Calls + 1 } : new NodeTime(node, key, dur, 1);
        }

        var sum = totals.Values.Sum(v => v.Us);
        var ops = totals
            .OrderByDescending(kv => kv.Value.Us).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new OpTime(kv.Key, kv.Value.Us, kv.Value.Count, sum == 0 ? 0 : (double)kv.Value.Us / sum))
            .ToList();
        return new OpTimeProfile(ops, sum, runs) { ByNode = nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToList() };
    }
}

/// <summary>Kernel time of one operator type summed over all its nodes and runs.</summary>
public sealed record OpTime(string OpType, long Microseconds, int Calls, double Share);

/// <summary>Kernel time of one node of ORT's optimized graph summed over its runs (warm-up included, as in <see cref="OpTime"/>).</summary>
public sealed record NodeTime(string Name, string OpType, long Microseconds, int Calls);
