using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Targets;

namespace EdgeBuild.Cli.Commands;

/// <summary>The optional `--target ID` / `--profile FILE` pair of verify and bench: none means ORT's defaults.</summary>
internal static class TargetOption
{
    /// <exception cref="EdgeBuild.Optimization.OptimizationInputException">EDGE0003 unknown target, EDGE0004 bad profile field.</exception>
    public static TargetSettings? Resolve(string? targetId, string? profileFile) =>
        targetId is null && profileFile is null ? null : BuiltInTargets.FromProfile(ProfileSelection.Resolve(targetId, profileFile));
}
