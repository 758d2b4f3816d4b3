using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>Writes NAME.report.json and NAME.report.html next to each other, each atomically (temp + rename); also the JSON form of results.</summary>
public static class ReportWriter
{
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string ToJson<T>(T value) =>
        JsonSerializer.Serialize(value, JsonOptions).ReplaceLineEndings("\n") + "\n";

    /// <summary>
    /// Writes the JSON report to <paramref name="jsonPath"/> (`--report`) and the HTML next to it:
    /// obj/Det.report.json → obj/Det.report.html, out/r.json → out/r.report.html.
    /// </summary>
    public static (string Json, string Html) WriteNextTo(OptimizationReport report, string jsonPath)
    {
        var html = HtmlPathFor(jsonPath);
        WriteAtomically(jsonPath, ToJson(report));
        WriteAtomically(html, ReportHtml.Render(report));
        return (jsonPath, html);
    }

    public static string HtmlPathFor(string jsonPath)
    {
        var basePath = jsonPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? jsonPath[..^".json".Length] : jsonPath;
        if (basePath.EndsWith(".report", StringComparison.OrdinalIgnoreCase)) basePath = basePath[..^".report".Length];
        return basePath + ".report.html";
    }

    private static void WriteAtomically(string path, string text) => EdgeBuild.Onnx.IO.AtomicFile.WriteAllText(path, text);
}
