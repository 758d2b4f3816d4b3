using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Targets;

/// <summary>
/// The optimizer's view of a built-in device profile: <see cref="TargetSettings"/> filled from the embedded
/// profile catalog (Profiles/Catalog), so device facts live in one place.
/// </summary>
public static class BuiltInTargets
{
    public static IReadOnlyList<string> Ids => ProfileCatalog.Ids;

    public static TargetSettings Get(string id)
    {
        if (ProfileCatalog.TryGet(id, out var profile)) return FromProfile(profile);
        var suggestion = ClosestMatch.Find(id, Ids);
        var problem = suggestion is null ? $"unknown target '{id}'" : $"unknown target '{id}' (did you mean '{suggestion}'?)";
        throw new OptimizationInputException("EDGE0003", id, problem, $"Use one of: {string.Join(", ", Ids)}");
    }

    public static TargetSettings FromProfile(DeviceProfile profile) => new()
    {
        Id = profile.Id,
        Session = new SessionConfig
        {
            IntraOpThreads = profile.Session.IntraOpThreads,
            InterOpThreads = profile.Session.InterOpThreads,
            AllowSpinning = profile.Session.AllowSpinning,
            EnableCpuMemArena = profile.Session.EnableCpuMemArena,
            EnableMemoryPattern = profile.Session.EnableMemoryPattern,
            GraphOptimizationLevel = LowerName(profile.Session.GraphOptimizationLevel),
            ExecutionMode = LowerName(profile.Session.ExecutionMode),
            ExecutionProviders = profile.Session.ExecutionProviders,
        },
        DefaultPrecision = LowerName(profile.Precision.DefaultPrecision),
        Scheme = new QuantizationScheme
        {
            SignedActivations = profile.Precision.ActivationType == QuantType.Int8,
            SignedWeights = profile.Precision.WeightType == QuantType.Int8,
            PerChannel = profile.Precision.PerChannel,
            SymmetricActivations = profile.Precision.SymmetricActivations,
            ReduceRange = profile.Precision.ReduceRange,
        },
        Int4BlockSize = profile.Precision.Int4BlockSize,
        MaxOfflineOptimizationLevel = LowerName(profile.MaxOfflineOptimizationLevel),
        DimDefaults = profile.DimDefaults.ByName,
        LeadingAxisDefault = profile.DimDefaults.LeadingAxis,
    };

    // The manifest and the optimizer spell these enums in lower case ("all", "sequential", "int8").
    private static string LowerName<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
