namespace EdgeBuild;

/// <summary>
/// The one format of a progress line on `edgebuild`'s stderr (docs/contracts.md §2): <c>progress: STAGE: DETAIL</c>,
/// e.g. <c>progress: calibrate: calibrating 12/21 samples</c>. Written by the CLI, read by the MSBuild task, which logs
/// it as a message instead of tool output; compiled into both (linked source: they target different frameworks).
/// A progress line is never a diagnostic: tools that read stderr skip lines with this prefix.
/// </summary>
internal static class ProgressLine
{
    public const string Prefix = "progress: ";

    /// <summary>The line for one event; a stage is a plan step id, and neither part may break the line.</summary>
    public static string Format(string stage, string detail) =>
        Prefix + OneLine(stage).Replace(": ", " ") + ": " + OneLine(detail);

    public static bool TryParse(string line, out string stage, out string detail)
    {
        stage = detail = "";
        if (!line.StartsWith(Prefix, System.StringComparison.Ordinal)) return false;
        var rest = line.Substring(Prefix.Length);
        var colon = rest.IndexOf(": ", System.StringComparison.Ordinal);
        if (colon <= 0) return false;
        stage = rest.Substring(0, colon);
        detail = rest.Substring(colon + 2);
        return true;
    }

    private static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');
}
