using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Cli.Commands;

/// <summary>The optional `--target ID` / `--profile FILE` pair of verify and bench: none means ORT's defaults.</summary>
internal static class TargetOption
{
    /// <exception cref="EdgeBuild.Optimization.OptimizationInputException">EDGE0003 unknown target, EDGE0004 bad profile field.</exception>
    public static DeviceProfile? Resolve(string? targetId, string? profileFile) =>
        targetId is null && profileFile is null ? null : ProfileSelection.Resolve(targetId, profileFile);
}
