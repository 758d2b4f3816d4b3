using System.Text.Json.Serialization;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>The device's CPU. Optional figures are null when the profile covers a family of chips.</summary>
public sealed record CpuSpec
{
    public required CpuArchitecture Architecture { get; init; }

    /// <summary>Instruction-set level, e.g. "armv8.2-a" or "x86-64-v3".</summary>
    public required string Isa { get; init; }

    /// <summary>ISA extensions the kernels can rely on, lower case (e.g. "dotprod", "avx2", "vnni").</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Core model, e.g. "Cortex-A76".</summary>
    public string? CoreName { get; init; }

    public int? Cores { get; init; }

    public double? MaxClockGHz { get; init; }

    public long? L3CacheBytes { get; init; }

    public bool HasFeature(string feature) => Features.Contains(feature, StringComparer.Ordinal);
}

[JsonConverter(typeof(CamelCaseEnumConverter<CpuArchitecture>))]
public enum CpuArchitecture
{
    Arm64,
    X64,
}
