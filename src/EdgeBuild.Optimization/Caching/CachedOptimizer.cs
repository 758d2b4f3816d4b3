using System.Diagnostics;
using System.Text.Json;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// `optimize` through the result cache: a hit restores the model, its external data file when it has one, the
/// manifest and the recorded result (from which the report is rewritten) instead of optimizing; a miss optimizes and
/// stores them.
/// Entries, locks and atomicity are <see cref="OptimizationCache"/>'s.
/// </summary>
public static class CachedOptimizer
{
    private const string ModelRole = "model";
    private const string ManifestRole = "manifest";
    private const string ResultRole = "result.json";
    private const string ExternalDataRole = "data";

    public static OptimizeResult Optimize(OptimizeRequest request, OptimizationCache cache, Action<string>? log = null)
    {
        log ??= _ => { };
        if (!cache.Enabled) return ModelOptimizer.Optimize(request);

        var profile = ProfileSelection.Resolve(request.TargetId, request.ProfilePath);
        string key;
        try
        {
            key = OptimizeCacheKey.For(request, profile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A missing model or data file: the pipeline reports it with its proper code (EDGE0101, EDGE0110).
            return ModelOptimizer.Optimize(request);
        }

        // Next to the key's entries, named after this process: a killed run's copy is deleted by the next one.
        var resultFile = cache.NewTemporaryFile(key, "result.json");
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal) { [ModelRole] = request.OutputPath, [ResultRole] = resultFile };
        if (request.ManifestPath is not null) outputs[ManifestRole] = request.ManifestPath;
        // Written only with external data (asked for, or past 2 GB): stored and restored with the model when it exists.
        var dataPath = OptimizedModelWriter.DataPathFor(request.OutputPath);
        var optional = new Dictionary<string, string>(StringComparer.Ordinal) { [ExternalDataRole] = dataPath };
        try
        {
            var watch = Stopwatch.StartNew();
            OptimizeResult? produced = null;
            var outcome = cache.GetOrCreate(key, outputs, () =>
            {
                produced = ModelOptimizer.Optimize(request);
                File.WriteAllText(resultFile, JsonSerializer.Serialize(produced, ReportWriter.JsonOptions));
            }, optional);
            if (outcome != CacheOutcome.Hit) return WithCache(produced!, "miss");

            if (Read(resultFile) is not { } restored)
            {
                // Written by an EdgeBuild whose result format differs (same version string, e.g. a local build): redo the work.
                log($"cache entry {key[..12]} has an unreadable result; optimizing");
                return WithCache(ModelOptimizer.Optimize(request), "miss");
            }

            if (restored.ExternalDataPath is not null && !File.Exists(dataPath))
            {
                // The model reads a data file the entry does not hold: never ship half of a model; optimizing rewrites both.
                log($"cache entry {key[..12]} lacks the model's external data file; optimizing");
                return WithCache(ModelOptimizer.Optimize(request), "miss");
            }

            return Relocate(WithCache(restored, "hit"), request, key, watch.Elapsed);
        }
        finally
        {
            if (File.Exists(resultFile)) File.Delete(resultFile);
        }
    }

    private static OptimizeResult? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<OptimizeResult>(File.ReadAllText(path), ReportWriter.JsonOptions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static OptimizeResult WithCache(OptimizeResult result, string cache) =>
        result with { Cache = cache, Report = result.Report is null ? null : result.Report with { Cache = cache } };

    /// <summary>A hit's result names this request's paths, and its report says where it came from.</summary>
    private static OptimizeResult Relocate(OptimizeResult result, OptimizeRequest request, string key, TimeSpan restoreTime)
    {
        // A finding is about the optimized model (budgets) or about the source (what stayed float): it follows that file.
        var findings = result.Findings.Select(f => f with { File = f.File == result.OutputPath ? request.OutputPath : request.ModelPath }).ToList();
        return result with
        {
            OutputPath = request.OutputPath,
            ExternalDataPath = result.ExternalDataPath is null ? null : OptimizedModelWriter.DataPathFor(request.OutputPath),
            ManifestPath = request.ManifestPath,
            Findings = findings,
            Report = result.Report is null ? null : result.Report with
            {
                Findings = findings.Select(f => f.ToString()).ToList(),
                Stages = [new StageTime("restore from cache", Math.Round(restoreTime.TotalMilliseconds, 1)), .. result.Report.Stages],
                Notes = [$"restored from cache entry {key[..12]}; the other stage times are those of the run that produced it", .. result.Report.Notes],
            },
        };
    }
}
