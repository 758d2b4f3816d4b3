using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Commands;

/// <summary>Progress of a long optimization on stderr (issue 13, acceptance 4): while it runs, never on stdout.</summary>
public sealed partial class ProgressTests : IDisposable
{
    private const string DetectorPreprocess = "resize=fit:320:32;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw";

    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-cli-progress-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex(@"^\S.*: (error|warning) EDGE\d{4}: ")]
    private static partial Regex Diagnostic();

    /// <summary>The pinned detector split (scripts/ppocr-image-split.txt): det-cal (21 images) and det-val (2).</summary>
    private void MaterializeDetectorSplit()
    {
        foreach (var line in File.ReadAllLines(Path.Combine(TestAssets.RepoRoot, "scripts", "ppocr-image-split.txt")))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith('#') || parts.Length != 2 || !parts[0].StartsWith("det-", StringComparison.Ordinal)) continue;
            var folder = Directory.CreateDirectory(Path.Combine(_dir, parts[0])).FullName;
            File.Copy(Path.Combine(TestAssets.ImagesDir, parts[1]), Path.Combine(folder, parts[1]));
        }
    }

    [Fact]
    public async Task Optimize_on_the_detector_streams_progress_lines_to_stderr_while_it_runs_and_stdout_stays_json()
    {
        MaterializeDetectorSplit();
        // 12 dB is above what full int8 reaches at 320 px (about 8 dB): the accuracy fallback runs and reports its attempts.
        string[] args =
        [
            "optimize", TestAssets.Detector, "--target", "rpi5", "--precision", "int8", "--output", Path.Combine(_dir, "det.onnx"),
            "--calibration-data", Path.Combine(_dir, "det-cal"), "--validation-data", Path.Combine(_dir, "det-val"),
            "--preprocess", DetectorPreprocess, "--min-sqnr", "12", "--json",
        ];

        var clock = Stopwatch.StartNew();
        var lines = new ConcurrentQueue<(TimeSpan At, string Line)>();
        using var process = new Process { StartInfo = OutOfProcessCli.StartInfo(args) };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lines.Enqueue((clock.Elapsed, e.Data));
        };
        process.Start();
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15)))
            await process.WaitForExitAsync(timeout.Token); // also drains the stderr events
        var exitedAt = clock.Elapsed;
        var json = await stdout;

        var all = lines.ToList();
        Assert.True(process.ExitCode == ExitCodes.Ok, string.Join('\n', all.Select(l => l.Line)));
        using (var result = JsonDocument.Parse(json))
            Assert.Equal("int8", result.RootElement.GetProperty("precision").GetString());

        // stderr holds progress lines and diagnostics, nothing else; stdout none of them (it parsed as one JSON value).
        var progress = all.Where(l => l.Line.StartsWith(ProgressLine.Prefix, StringComparison.Ordinal)).ToList();
        Assert.All(all.Where(l => !progress.Contains(l)), l => Assert.Matches(Diagnostic(), l.Line));
        Assert.Contains(progress, p => p.Line == "progress: calibrate: calibrating 0/21 samples");
        Assert.Contains(progress, p => p.Line == "progress: calibrate: calibrating 21/21 samples");
        Assert.Contains(progress, p => p.Line == "progress: verify: verifying 2/2 samples");
        Assert.Contains(progress, p => Regex.IsMatch(p.Line, @"^progress: exclude-sensitive-nodes: fallback attempt \d+ of at most 50, \d+ s: closest to its budget sigmoid_0\.tmp_0: mean sqnr -?[\d.]+dB \((holds|misses) >= 12dB\)$"));

        // While it runs, not at the end: the first line arrives in the first half of the run, and the lines arrive
        // spread over at least a quarter of it (ratios of this run's own wall time, no absolute figures).
        var first = progress.Min(p => p.At);
        var last = progress.Max(p => p.At);
        Assert.True(first < exitedAt * 0.5, $"first progress line at {first.TotalSeconds:F1} s of {exitedAt.TotalSeconds:F1} s");
        Assert.True(last - first > exitedAt * 0.25, $"progress lines arrived between {first.TotalSeconds:F1} s and {last.TotalSeconds:F1} s of {exitedAt.TotalSeconds:F1} s");
    }

    [Fact]
    public void Plain_lines_show_each_stage_s_first_and_last_event_and_thin_out_the_rest()
    {
        var stderr = new StringWriter { NewLine = "\n" };
        using (var renderer = new ProgressRenderer(stderr, terminal: false, "det.onnx → rpi5"))
        {
            for (var i = 0; i <= 500; i++) renderer.Report(new ProgressEvent("calibrate", $"calibrating {i}/500 samples", i, 500));
            renderer.Report(new ProgressEvent("verify", "verifying 0/2 samples", 0, 2));
        }

        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("progress: calibrate: calibrating 0/500 samples", lines[0]);
        Assert.Contains("progress: calibrate: calibrating 500/500 samples", lines);
        Assert.Equal("progress: verify: verifying 0/2 samples", lines[^1]);
        Assert.True(lines.Length < 100, $"{lines.Length} lines for 502 events");
        Assert.DoesNotContain('\r', stderr.ToString());
    }

    [Fact]
    public void At_a_terminal_one_line_updates_in_place_and_ends_before_other_output()
    {
        var stderr = new StringWriter { NewLine = "\n" };
        using (var renderer = new ProgressRenderer(stderr, terminal: true, "det.onnx → rpi5"))
        {
            renderer.Report(new ProgressEvent("calibrate", "calibrating 0/2 samples", 0, 2));
            renderer.Report(new ProgressEvent("calibrate", "calibrating 2/2 samples", 2, 2));
            renderer.Report(new ProgressEvent("verify", "verifying 0/2 samples", 0, 2));
        }

        Assert.Equal(
            "\rdet.onnx → rpi5: calibrating 0/2 samples\u001b[K\rdet.onnx → rpi5: calibrating 2/2 samples\u001b[K\n" +
            "\rdet.onnx → rpi5: verifying 0/2 samples\u001b[K\n",
            stderr.ToString());
    }

    [Fact]
    public void In_process_callers_see_no_progress_unless_they_ask()
    {
        Assert.Null(new CliConsole(TextWriter.Null, TextWriter.Null).Progress("x"));
        using var shown = new CliConsole(TextWriter.Null, TextWriter.Null, ShowProgress: true).Progress("x");
        Assert.NotNull(shown);
    }
}
