using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests.Infrastructure;

/// <summary>What the `edgebuild` tool in this checkout supports yet, for tests written ahead of a feature.</summary>
internal static class ToolCapabilities
{
    /// <summary>`optimize --cache-dir` (EdgeBuildCacheDir is only passed to the tool when set; an older tool rejects it).</summary>
    public static bool TakesCacheDir { get; } =
        File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "src", "EdgeBuild.Cli", "Commands", "OptimizeCommand.cs")).Contains("cache-dir", StringComparison.Ordinal);
}
