using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>Writes NAME.report.json and NAME.report.html next to each other, each atomically (temp + rename).</summary>
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

    public static string ToJson(OptimizationReport report) =>
        JsonSerializer.Serialize(report, JsonOptions).ReplaceLineEndings("\n") + "\n";

    /// <summary>Writes both files; <paramref name="basePath"/> is e.g. obj/det (→ obj/det.report.json, obj/det.report.html).</summary>
    public static (string Json, string Html) Write(OptimizationReport report, string basePath)
    {
        var json = basePath + ".report.json";
        var html = basePath + ".report.html";
        WriteAtomically(json, ToJson(report));
        WriteAtomically(html, ReportHtml.Render(report));
        return (json, html);
    }

    private static void WriteAtomically(string path, string text) => EdgeBuild.Onnx.IO.AtomicFile.WriteAllText(path, text);
}
