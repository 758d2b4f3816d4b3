namespace EdgeBuild.Optimization.Profiles;

/// <summary>
/// Values for symbolic dims the item's <c>Dims</c> leaves open. Exporters name the batch axis
/// differently ("N", "batch_size", "p2o.DynamicDimension.0"), hence both a by-name table and a
/// rule for an input's leading axis.
/// </summary>
public sealed record SymbolicDimDefaults
{
    public IReadOnlyDictionary<string, long> ByName { get; init; } = new Dictionary<string, long>();

    /// <summary>Value for a symbolic axis 0 of an input not covered by <see cref="ByName"/> (batch = 1), or null.</summary>
    public long? LeadingAxis { get; init; }

    /// <summary>The default for one symbolic dim, or null when the profile has none.</summary>
    public long? Resolve(string dimName, int axis) =>
        ByName.TryGetValue(dimName, out var value) ? value : axis == 0 ? LeadingAxis : null;
}
