using System.Text.RegularExpressions;

namespace EdgeBuild.Tasks;

/// <summary>
/// One line of the tool's stderr in MSBuild's canonical format
/// (`path: error EDGE0101: message` or `path(line,col): warning EDGE0301: message`).
/// </summary>
internal sealed record CanonicalDiagnostic(string Origin, int Line, int Column, bool IsError, string Code, string Message)
{
    private static readonly Regex Pattern = new(
        @"^\s*(?<origin>.*?)(?:\((?<line>\d+)(?:,(?<col>\d+))?\))?\s*:\s*(?<kind>error|warning)\s+(?<code>[A-Za-z]+\d+)\s*:\s*(?<message>.*)$",
        RegexOptions.CultureInvariant);

    public static CanonicalDiagnostic? TryParse(string line)
    {
        var m = Pattern.Match(line);
        if (!m.Success) return null;
        return new CanonicalDiagnostic(
            m.Groups["origin"].Value.Trim(),
            m.Groups["line"].Success ? int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            m.Groups["col"].Success ? int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            m.Groups["kind"].Value == "error",
            m.Groups["code"].Value,
            m.Groups["message"].Value.Trim());
    }

    /// <summary>
    /// True when the origin is a full path. The tool passes full paths for files (the task gives it full
    /// paths); anything else is its own name (`edgebuild optimize`) or a subject such as a target id.
    /// </summary>
    public bool HasFileOrigin => Origin.Length > 0 && System.IO.Path.IsPathRooted(Origin);

    /// <summary>True when the origin names something other than the tool itself, e.g. the unknown target id.</summary>
    public bool HasSubjectOrigin => !HasFileOrigin && Origin.Length > 0 && Origin != "edgebuild" && !Origin.StartsWith("edgebuild ", System.StringComparison.Ordinal);
}
