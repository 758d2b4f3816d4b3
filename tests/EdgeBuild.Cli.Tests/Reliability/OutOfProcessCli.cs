using System.Diagnostics;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Runs the real `edgebuild` (dotnet edgebuild.dll, as the MSBuild task does) as a separate process: what a user
/// sees on the console, a crash that kills the process, and runs killed part-way.
/// </summary>
internal static class OutOfProcessCli
{
    /// <summary>edgebuild.dll as built into this test's output (the CLI project is referenced), else the CLI's own bin.</summary>
    public static string DllPath { get; } = FindDll();

    public sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Elapsed);

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    public static Result Run(IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(args, workingDirectory))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(-1, stdout.Result, stderr.Result, TimedOut: true, clock.Elapsed);
        }

        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result, TimedOut: false, clock.Elapsed);
    }

    private static string FindDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "edgebuild.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "edgebuild.runtimeconfig.json"))) return local;
        var built = Path.Combine(TestAssets.RepoRoot, "src", "EdgeBuild.Cli", "bin", "Release", "net8.0", "edgebuild.dll");
        return File.Exists(built) ? built : throw new InvalidOperationException($"edgebuild.dll not found; build it: dotnet build src/EdgeBuild.Cli -c Release");
    }
}
