using System.Text.Json.Nodes;
using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reporting;

/// <summary>
/// The HTML report of a real int8 optimization renders in headless Chromium with no console output at all,
/// needs no network, and its per-layer chart is drawn: hiding the chart's bars changes a block of pixels
/// the size of the chart, and most of those pixels are coloured (the rest: anti-aliased bar edges).
/// </summary>
public sealed class ReportRenderTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string OptimizeWithReport()
    {
        var calib = Path.Combine(_dir, "calib");
        Directory.CreateDirectory(calib);
        foreach (var image in Directory.GetFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).Take(4))
            File.Copy(image, Path.Combine(calib, Path.GetFileName(image)));
        var report = Path.Combine(_dir, "out", "Cls.report.json");
        var (code, _, stderr) = CliRuns.InProcess("optimize", TestAssets.Classifier, "--target", "rpi5", "--precision", "int8",
            "--calibration-data", calib, "--min-sqnr", "10", "--dims", "p2o.DynamicDimension.1=48;p2o.DynamicDimension.2=192",
            "--output", Path.Combine(_dir, "out", "Cls.onnx"), "--report", report);
        Assert.True(code == ExitCodes.Ok, stderr);
        return report;
    }

    [Fact]
    public void The_report_renders_without_console_errors_and_draws_the_per_layer_chart()
    {
        var reportPath = OptimizeWithReport();
        var htmlPath = Path.Combine(_dir, "out", "Cls.report.html");
        var json = JsonNode.Parse(File.ReadAllText(reportPath))!;
        var layers = json["layers"]!.AsArray();
        Assert.True(layers.Count >= 10, $"only {layers.Count} layers in the report");
        // Identical values (an op whose int8 output equals the float one) are written as "Infinity"; a badly
        // quantized head can be below 0 dB (the classifier's last MatMul is), which is what the chart is for.
        var finite = layers.Where(l => l!["sqnrDb"]!.ToJsonString() != "\"Infinity\"").Select(l => (double)l!["sqnrDb"]!).ToList();
        Assert.All(finite, db => Assert.InRange(db, -100, 200));
        Assert.True(finite.Count(db => db > 10) >= layers.Count / 2, string.Join(", ", finite));
        Assert.True(json["quantizedNodes"]!.AsArray().Count >= layers.Count);
        Assert.NotNull(json["memory"]);
        Assert.NotNull(json["plan"]);
        Assert.True(json["stages"]!.AsArray().Count >= 5);
        Assert.True((long)json["optimizedBytes"]! < (long)json["originalBytes"]!);

        var html = File.ReadAllText(htmlPath);
        foreach (var external in new[] { "src=\"http", "href=\"http", "<link", "@import", "url(", "src=\"//" })
            Assert.DoesNotContain(external, html, StringComparison.OrdinalIgnoreCase);

        var withChart = HeadlessChromium.Screenshot(htmlPath);
        Assert.True(withChart.ConsoleLines.Count == 0, "console output while rendering the report:\n" + string.Join("\n", withChart.ConsoleLines));

        var hiddenBars = Path.Combine(_dir, "out", "hidden-bars.html");
        File.WriteAllText(hiddenBars, html.Replace("</head>", "<style>#layer-chart .bar { visibility: hidden; }</style></head>", StringComparison.Ordinal));
        var withoutBars = HeadlessChromium.Screenshot(hiddenBars);

        var (changed, coloured, box) = Difference(withChart.Screenshot, withoutBars.Screenshot);
        output.WriteLine($"chart: {changed} pixels drawn by {layers.Count} bars, {coloured} of them coloured, within {box}");
        Assert.True(changed >= layers.Count * 50, $"only {changed} pixels belong to the chart's bars");
        Assert.True(coloured >= changed * 2 / 3, $"{coloured} of {changed} chart pixels are coloured");
        Assert.True(box.Height <= 260, $"the bars spread over {box}, more than the chart's height");
    }

    [Fact]
    public void The_render_check_sees_a_console_error()
    {
        var page = Path.Combine(_dir, "broken.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><body><p>x</p><script>notDefinedAnywhere();</script></body></html>");

        var render = HeadlessChromium.Screenshot(page, 400, 300);

        Assert.Contains(render.ConsoleLines, l => l.Contains("notDefinedAnywhere", StringComparison.Ordinal));
    }

    /// <summary>Pixels that differ, how many of those are saturated colour in <paramref name="a"/>, and their bounding box.</summary>
    private static (int Changed, int Coloured, System.Drawing.Rectangle Box) Difference(StbImageSharp.ImageResult a, StbImageSharp.ImageResult b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        int changed = 0, coloured = 0, minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (var y = 0; y < a.Height; y++)
        for (var x = 0; x < a.Width; x++)
        {
            var i = (y * a.Width + x) * 3;
            if (a.Data[i] == b.Data[i] && a.Data[i + 1] == b.Data[i + 1] && a.Data[i + 2] == b.Data[i + 2]) continue;
            changed++;
            var max = Math.Max(a.Data[i], Math.Max(a.Data[i + 1], a.Data[i + 2]));
            var min = Math.Min(a.Data[i], Math.Min(a.Data[i + 1], a.Data[i + 2]));
            if (max - min >= 60) coloured++;
            (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
        }

        return (changed, coloured, changed == 0 ? default : new System.Drawing.Rectangle(minX, minY, maxX - minX + 1, maxY - minY + 1));
    }
}
