using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Targets;

/// <summary>
/// The optimizer's view of a built-in device profile: <see cref="TargetSettings"/> filled from the embedded
/// profile catalog (Profiles/Catalog), so device facts live in one place.
/// </summary>
public static class BuiltInTargets
{
    public static IReadOnlyList<string> Ids => ProfileCatalog.Ids;

    /// <summary>The built-in target <paramref name="id"/>; unknown ids are EDGE0003 with the known ids and a did-you-mean.</summary>
    public static TargetSettings Get(string id) => FromProfile(ProfileSelection.Resolve(id, null));

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
            DeviceFusesInt8Activations = profile.Cpu.Architecture == CpuArchitecture.Arm64,
        },
        Int4BlockSize = profile.Precision.Int4BlockSize,
        MaxOfflineOptimizationLevel = LowerName(profile.MaxOfflineOptimizationLevel),
        DimDefaults = profile.DimDefaults.ByName,
        LeadingAxisDefault = profile.DimDefaults.LeadingAxis,
    };

    // The manifest and the optimizer spell these enums in lower case ("all", "sequential", "int8").
    private static string LowerName<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
