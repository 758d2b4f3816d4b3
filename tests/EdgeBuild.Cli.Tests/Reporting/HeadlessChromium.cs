using System.Diagnostics;
using StbImageSharp;

namespace EdgeBuild.Cli.Tests.Reporting;

/// <summary>
/// Debian's `chromium` in headless mode: renders a local HTML file to a PNG screenshot and returns what the
/// page wrote to its console (with --enable-logging=stderr every console message and uncaught error is a
/// "CONSOLE" line on stderr). A fresh profile folder per run, so concurrent runs do not share state.
/// </summary>
internal static class HeadlessChromium
{
    public sealed record Render(ImageResult Screenshot, IReadOnlyList<string> ConsoleLines, string Stderr);

    public static string Executable { get; } = Find();

    public static Render Screenshot(string htmlPath, int width = 1280, int height = 2000)
    {
        var work = Directory.CreateTempSubdirectory("edgebuild-chromium-").FullName;
        try
        {
            var png = Path.Combine(work, "shot.png");
            var info = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                         "--enable-logging=stderr", "--v=0", $"--user-data-dir={Path.Combine(work, "profile")}",
                         $"--window-size={width},{height}", $"--screenshot={png}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
                     })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not render {htmlPath} within 2 minutes");
            }

            var log = stderr.Result + stdout.Result;
            if (!File.Exists(png)) throw new InvalidOperationException($"chromium wrote no screenshot (exit code {process.ExitCode}):\n{log}");
            var lines = log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
            using var stream = File.OpenRead(png);
            return new Render(ImageResult.FromStream(stream, ColorComponents.RedGreenBlue), lines, log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("EDGEBUILD_CHROMIUM") is { Length: > 0 } configured) return configured;
        foreach (var name in new[] { "chromium", "chromium-browser" })
        {
            var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
            if (path is not null) return path;
        }

        throw new InvalidOperationException("Headless Chromium is needed to render the HTML report: apt-get install -y chromium (.ci/run does), or set EDGEBUILD_CHROMIUM");
    }
}
