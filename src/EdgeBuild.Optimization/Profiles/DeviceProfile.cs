namespace EdgeBuild.Optimization.Profiles;

/// <summary>
/// What a build target means, precisely: the device's CPU and memory, how to quantize for it,
/// how to configure ONNX Runtime on it and what the optimized model must fit in.
/// Built-in profiles come from embedded JSON (<see cref="ProfileCatalog"/>); custom ones are JSON
/// files that may extend a built-in one (<see cref="CustomProfileLoader"/>).
/// A figure that is not known for a device is null and left out of the JSON, never guessed.
/// </summary>
public sealed record DeviceProfile
{
    /// <summary>Target id as written in <c>Target="..."</c>: lower-case letters, digits and dashes.</summary>
    public required string Id { get; init; }

    public required string Description { get; init; }

    public required CpuSpec Cpu { get; init; }

    /// <summary>An accelerator next to the CPU (for example the Jetson's Ampere GPU), or null.</summary>
    public string? Accelerator { get; init; }

    public MemorySpec Memory { get; init; } = new();

    public required PrecisionPlan Precision { get; init; }

    /// <summary>ONNX Runtime session settings on the device; serializes to the manifest's "session" object.</summary>
    public required SessionSettings Session { get; init; }

    public ProfileBudgets Budgets { get; init; } = new();

    public required SymbolicDimDefaults DimDefaults { get; init; }

    /// <summary>Device facts worth knowing when reading a plan (shown by `profiles show` and `--explain`).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
