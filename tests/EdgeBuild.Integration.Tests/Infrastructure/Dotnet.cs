using System.Collections;
using System.Diagnostics;
using System.Text;

namespace EdgeBuild.Integration.Tests.Infrastructure;

/// <summary>Runs the `dotnet` CLI as a user's shell would: a clean environment, an isolated NuGet package folder.</summary>
internal static class Dotnet
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(8);

    public static CommandResult Run(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        Exec("dotnet", workingDirectory, args, environment, timeout);

    public static CommandResult Exec(string fileName, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);

        // The test host runs inside MSBuild/VSTest; their variables would redirect the child's MSBuild.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // Leave no MSBuild nodes behind holding the task assembly of this run's package.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment) start.Environment[k] = v;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{fileName} {string.Join(' ', args)}` in {workingDirectory} did not finish in {timeout ?? DefaultTimeout}:\n{output}");
        }

        process.WaitForExit();
        return new CommandResult(process.ExitCode, output.ToString(), clock.Elapsed);
    }
}

internal sealed record CommandResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public CommandResult EnsureSuccess(string what)
    {
        if (ExitCode != 0) throw new Xunit.Sdk.XunitException($"{what} failed with exit code {ExitCode}:\n{Tail(Output)}");
        return this;
    }

    public static string Tail(string text, int chars = 12000) => text.Length <= chars ? text : "..." + text[^chars..];
}
