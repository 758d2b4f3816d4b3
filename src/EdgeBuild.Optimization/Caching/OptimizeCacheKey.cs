using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// The cache key of one `optimize` request (docs/cache.md), derived from the whole <see cref="OptimizeRequest"/>:
/// every public property is keyed by its value, unless it is listed below as keyed by content (files hashed, the
/// profile resolved), keyed in a reduced form (a path's file name), or as not changing the output. A new request
/// property is therefore keyed by default; OptimizeCacheKeyTests fails when one changes nothing in the key without
/// being listed here. Output folders, the report path and the cache folders (not request properties) are left out:
/// they change where results go, not what they are, so another checkout or CI agent hits the same entry.
/// </summary>
public static class OptimizeCacheKey
{
    /// <summary>Keyed through what they name, not their text: the model's and data files' bytes, the resolved profile.</summary>
    public static readonly IReadOnlySet<string> KeyedByContent = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(OptimizeRequest.ModelPath),
        nameof(OptimizeRequest.CalibrationData),
        nameof(OptimizeRequest.ValidationData),
        nameof(OptimizeRequest.TargetId),
        nameof(OptimizeRequest.ProfilePath),
    };

    /// <summary>Keyed in a reduced form: only the part that reaches the outputs.</summary>
    private static readonly IReadOnlyDictionary<string, Func<OptimizeRequest, JsonNode?>> Reduced =
        new Dictionary<string, Func<OptimizeRequest, JsonNode?>>(StringComparer.Ordinal)
        {
            // The manifest records the model's file name (and the generator's class follows from it); the folder does not count.
            [nameof(OptimizeRequest.OutputPath)] = r => Path.GetFileName(r.OutputPath),
            // Whether a manifest is written changes the entry's files; where it goes does not.
            [nameof(OptimizeRequest.ManifestPath)] = r => r.ManifestPath is not null,
        };

    /// <summary>Request properties that change no output, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotKeyed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(OptimizeRequest.ReportPath)] = "where the report goes; a hit rewrites the report from the stored result",
        [nameof(OptimizeRequest.Progress)] = "a progress callback",
    };

    private static readonly JsonSerializerOptions ValueJson = new() { Converters = { new JsonStringEnumConverter() } };

    public static string For(OptimizeRequest request, DeviceProfile profile) => new CacheKeyBuilder()
        .AddModel(request.ModelPath)
        .AddData("calibration", request.CalibrationData)
        .AddData("validation", request.ValidationData)
        .AddProfile(profile)
        .AddJson("options", Options(request))
        .AddToolVersion()
        .Build();

    /// <summary>Every property of the request that is neither keyed by content nor listed in <see cref="NotKeyed"/>, as JSON.</summary>
    public static JsonObject Options(OptimizeRequest request)
    {
        var options = new JsonObject();
        foreach (var property in typeof(OptimizeRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.Name;
            if (KeyedByContent.Contains(name) || NotKeyed.ContainsKey(name)) continue;
            options[name] = Reduced.TryGetValue(name, out var reduce)
                ? reduce(request)
                : JsonSerializer.SerializeToNode(property.GetValue(request), property.PropertyType, ValueJson);
        }

        return options;
    }
}
