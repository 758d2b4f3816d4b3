namespace EdgeBuild.Optimization.Targets;

/// <summary>
/// Interim target table (rpi5, x64-vnni) from DESIGN.md's device facts, used until the profile catalog
/// (Profiles/) is on main; then <see cref="Get"/> reads the catalog instead and this table goes.
/// </summary>
public static class BuiltInTargets
{
    private static readonly SessionConfig CpuSession = new()
    {
        IntraOpThreads = 4,
        InterOpThreads = 1,
        AllowSpinning = true,
        EnableCpuMemArena = true,
        EnableMemoryPattern = true,
        GraphOptimizationLevel = "all",
        ExecutionMode = "sequential",
        ExecutionProviders = ["cpu"],
    };

    private static readonly QuantizationScheme S8S8 = new()
    {
        SignedActivations = true,
        SignedWeights = true,
        PerChannel = true,
        SymmetricActivations = false,
        ReduceRange = false,
    };

    private static readonly Dictionary<string, TargetSettings> Table = new(StringComparer.Ordinal)
    {
        ["rpi5"] = new()
        {
            Id = "rpi5",
            Session = CpuSession,
            DefaultPrecision = "int8",
            Scheme = S8S8,
            MaxOfflineOptimizationLevel = "extended",
            DimDefaults = new Dictionary<string, long> { ["N"] = 1, ["batch"] = 1, ["batch_size"] = 1 },
            LeadingAxisDefault = 1,
        },
        ["x64-vnni"] = new()
        {
            Id = "x64-vnni",
            Session = CpuSession with { IntraOpThreads = 0 },
            DefaultPrecision = "int8",
            Scheme = S8S8,
            MaxOfflineOptimizationLevel = "extended",
            DimDefaults = new Dictionary<string, long> { ["N"] = 1, ["batch"] = 1, ["batch_size"] = 1 },
            LeadingAxisDefault = 1,
        },
    };

    public static IReadOnlyList<string> Ids => [.. Table.Keys.Order(StringComparer.Ordinal)];

    public static TargetSettings Get(string id) =>
        Table.TryGetValue(id, out var target)
            ? target
            : throw new OptimizationInputException("EDGE0003", id, $"unknown target '{id}'", $"Use one of: {string.Join(", ", Ids)}");
}
