using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests.Infrastructure;

/// <summary>
/// Once per test run: packs EdgeBuild and EdgeBuild.Tool from this checkout (`dotnet pack EdgeBuild.sln`, what
/// scripts/pack.sh runs) into a folder feed and prepares an isolated
/// NuGet package folder, so a package re-packed under the same version is never shadowed by a stale
/// copy in the machine's global packages folder. Packages the machine already has (ONNX Runtime's
/// ~390 MB among them) are reused through a fallback folder of symbolic links instead of being
/// downloaded and extracted again; EdgeBuild itself is left out of it.
/// </summary>
public sealed class PackageFeedFixture : IDisposable
{
    public const string PackageVersion = "0.1.0";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "edgebuild-it-" + Guid.NewGuid().ToString("N")[..10]);

    public string Feed => Path.Combine(Root, "feed");

    public string Packages => Path.Combine(Root, "packages");

    public string Fallback => Path.Combine(Root, "fallback");

    public string Work => Path.Combine(Root, "work");

    public TimeSpan PackTime { get; }

    public PackageFeedFixture()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        Directory.CreateDirectory(Work);
        LinkMachinePackages();
        WriteNuGetConfig();

        var pack = Pack(TestAssets.RepoRoot, Feed);
        pack.EnsureSuccess("dotnet pack EdgeBuild.sln");
        PackTime = pack.Elapsed;
        PackOutput = pack.Output;
        if (!File.Exists(PackagePath)) throw new InvalidOperationException($"{PackagePath} was not produced:\n{pack.Output}");
    }

    /// <summary>scripts/pack.sh's command on the checkout at <paramref name="repoRoot"/>, into <paramref name="output"/>.</summary>
    internal static CommandResult Pack(string repoRoot, string output, params string[] extraArgs) =>
        Dotnet.Run(repoRoot, ["pack", Path.Combine(repoRoot, "EdgeBuild.sln"), "-c", "Release", "-o", output, "-nologo", .. extraArgs]);

    /// <summary>Everything `dotnet pack` printed (its warnings, for the package tests).</summary>
    public string PackOutput { get; }

    public string PackagePath => Path.Combine(Feed, $"EdgeBuild.{PackageVersion}.nupkg");

    public string ToolPackagePath => Path.Combine(Feed, $"EdgeBuild.Tool.{PackageVersion}.nupkg");

    /// <summary>Environment of every `dotnet` command a test runs against the feed.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Packages,
        ["EDGEBUILD_CACHE_DIR"] = "",
    };

    private static string MachinePackages =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private void LinkMachinePackages()
    {
        Directory.CreateDirectory(Fallback);
        if (!Directory.Exists(MachinePackages)) return;
        foreach (var dir in Directory.EnumerateDirectories(MachinePackages))
        {
            var id = Path.GetFileName(dir);
            if (id.Equals("edgebuild", StringComparison.OrdinalIgnoreCase)) continue;
            Directory.CreateSymbolicLink(Path.Combine(Fallback, id), dir);
        }
    }

    private void WriteNuGetConfig() =>
        File.WriteAllText(Path.Combine(Root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="edgebuild-under-test" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="edgebuild-under-test"><package pattern="EdgeBuild" /><package pattern="EdgeBuild.Tool" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{Fallback}" />
              </fallbackPackageFolders>
            </configuration>
            """);

    public void Dispose()
    {
        if (System.Environment.GetEnvironmentVariable("EDGEBUILD_KEEP_IT_FILES") == "1") return;
        try
        {
            // Unlink the fallback links first: a recursive delete must never reach the machine's packages.
            foreach (var link in Directory.EnumerateDirectories(Fallback)) new DirectoryInfo(link).Delete();
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "EdgeBuild package feed";
}
