using System.Text.Json.Nodes;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// The cache key of one `optimize` request (docs/cache.md): model bytes and external data, calibration
/// and validation files, the resolved profile, every option that changes an output, and the tool version.
/// Output folders, the report path and the cache folders are left out: they change where results go,
/// not what they are, so another checkout or CI agent hits the same entry.
/// </summary>
public static class OptimizeCacheKey
{
    public static string For(OptimizeRequest request, DeviceProfile profile) => new CacheKeyBuilder()
        .AddModel(request.ModelPath)
        .AddData("calibration", request.CalibrationData)
        .AddData("validation", request.ValidationData)
        .AddProfile(profile)
        .AddJson("options", Options(request))
        .AddToolVersion()
        .Build();

    /// <summary>Options as canonical JSON. Output file names count: the manifest records the model's file name and class.</summary>
    public static JsonObject Options(OptimizeRequest request)
    {
        var dims = new JsonObject();
        foreach (var (name, value) in request.Dims) dims[name] = value;
        return new JsonObject
        {
            ["precision"] = request.Precision,
            ["calibrationMethod"] = request.CalibrationMethod.ToString(),
            ["preprocess"] = request.Preprocess,
            ["minSqnrDb"] = request.MinSqnrDb,
            ["excludeNodes"] = new JsonArray(request.ExcludeNodes.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            ["dims"] = dims,
            ["failOnBudget"] = request.FailOnBudget,
            ["outputFileName"] = Path.GetFileName(request.OutputPath),
            ["manifest"] = request.ManifestPath is not null,
            ["className"] = request.ClassName,
            ["namespace"] = request.Namespace,
            ["embed"] = request.Embed,
        };
    }
}
