namespace EdgeBuild.Optimization.Profiles;

/// <summary>
/// What one optimized model may use on the device. Null means no budget (the device's RAM is not
/// known). Built-in budgets follow one documented rule (docs/profiles.md): peak memory at most half
/// of the smallest RAM variant, model file at most a quarter of it.
/// </summary>
public sealed record ProfileBudgets
{
    public long? MaxModelBytes { get; init; }

    public long? MaxPeakMemoryBytes { get; init; }
}
