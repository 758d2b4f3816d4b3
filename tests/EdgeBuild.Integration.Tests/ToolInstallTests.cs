using System.Text.Json;
using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Issue 13, acceptance 1: EdgeBuild.Tool from the packed feed installs in a clean HOME (empty NuGet package folder, so
/// no Microsoft.ML.OnnxRuntime to borrow natives from) as a global-style tool (--tool-path, what --global does with
/// ~/.dotnet/tools) and as a local tool from a manifest, and `edgebuild profiles`, `inspect`, `optimize` (int8,
/// calibrated: ONNX Runtime's native library loads) and `verify` work on the pinned detector.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ToolInstallTests(PackageFeedFixture feed)
{
    [Fact]
    public void Global_style_install_with_tool_path_runs_every_command_on_the_detector()
    {
        var home = CleanHome("global");
        var toolPath = Path.Combine(home, "tools");
        Dotnet.Run(home, ["tool", "install", "EdgeBuild.Tool", "--tool-path", toolPath, .. Source(home)], Environment(home))
            .EnsureSuccess("dotnet tool install --tool-path");

        var edgebuild = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "edgebuild.exe" : "edgebuild");
        RunEveryCommand(home, args => Dotnet.Exec(edgebuild, home, args, Environment(home), TimeSpan.FromMinutes(6)));
    }

    [Fact]
    public void Local_manifest_install_runs_every_command_on_the_detector()
    {
        var home = CleanHome("local");
        var repo = Path.Combine(home, "repo");
        Directory.CreateDirectory(repo);
        Dotnet.Run(repo, ["new", "tool-manifest"], Environment(home)).EnsureSuccess("dotnet new tool-manifest");
        Dotnet.Run(repo, ["tool", "install", "EdgeBuild.Tool", .. Source(home)], Environment(home)).EnsureSuccess("dotnet tool install (local)");

        RunEveryCommand(repo, args => Dotnet.Run(repo, ["tool", "run", "edgebuild", "--", .. args], Environment(home), TimeSpan.FromMinutes(6)));
    }

    private static void RunEveryCommand(string work, Func<string[], CommandResult> edgebuild)
    {
        var model = Path.Combine(work, "det.onnx");
        File.Copy(TestAssets.Detector, model, overwrite: true);
        var calib = Path.Combine(work, "calib");
        foreach (var image in NpySamples.Images.Take(2))
            NpySamples.Write(Path.Combine(calib, Path.ChangeExtension(image, ".npy")), image, Detector.Size);

        var profiles = edgebuild(["profiles"]).EnsureSuccess("edgebuild profiles");
        Assert.Contains("rpi5", profiles.Output, StringComparison.Ordinal);

        var inspect = edgebuild(["inspect", model, "--json"]).EnsureSuccess("edgebuild inspect");
        using (var json = JsonDocument.Parse(JsonPart(inspect.Output)))
            Assert.Equal("x", json.RootElement.GetProperty("inputs")[0].GetProperty("name").GetString());

        var output = Path.Combine(work, "det.rpi5.onnx");
        edgebuild(["optimize", model, "--target", "rpi5", "--precision", "int8", "--calibration-data", calib, "--dims", Detector.Dims,
            "--min-sqnr", Detector.MinSqnrDb, "--output", output]).EnsureSuccess("edgebuild optimize");
        Assert.True(new FileInfo(output).Length < new FileInfo(model).Length, "int8 model is not smaller than the float32 one");

        var verify = edgebuild(["verify", model, output, "--data", calib, "--target", "rpi5", "--json"]).EnsureSuccess("edgebuild verify");
        Assert.Contains("sqnr", JsonPart(verify.Output), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A HOME with nothing in it: no ~/.nuget/packages, no ~/.dotnet/tools, no NuGet.config.</summary>
    private string CleanHome(string name)
    {
        var home = Path.Combine(feed.Root, "home-" + name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(home);
        // Only the packed feed: the test must not pick up a same-named package from elsewhere.
        File.WriteAllText(Path.Combine(home, "tool-feed.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="edgebuild-under-test" value="{feed.Feed}" />
              </packageSources>
            </configuration>
            """);
        return home;
    }

    private static string[] Source(string home) =>
        ["--configfile", Path.Combine(home, "tool-feed.config"), "--version", PackageFeedFixture.PackageVersion];

    private static Dictionary<string, string> Environment(string home) => new()
    {
        ["HOME"] = home,
        ["DOTNET_CLI_HOME"] = home,
        ["NUGET_PACKAGES"] = Path.Combine(home, ".nuget", "packages"),
        ["EDGEBUILD_CACHE_DIR"] = "",
        // The tool's launcher finds the runtime here, as on a machine where `dotnet` is not in a default location.
        ["DOTNET_ROOT"] = DotnetRoot(),
    };

    private static string DotnetRoot()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root) return root;
        var dotnet = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")).First(File.Exists);
        return Path.GetDirectoryName(new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet)!;
    }

    /// <summary>The JSON document on stdout (CommandResult interleaves stderr, which a tool may write to).</summary>
    private static string JsonPart(string output) => output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)];
}
