using System.Text.RegularExpressions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>How one hostile input went. Only <see cref="Ok"/> and <see cref="Rejected"/> are acceptable.</summary>
internal enum Verdict
{
    /// <summary>Exit 0 and every output verifies (loads, manifest hash matches).</summary>
    Ok,

    /// <summary>Exit 2 with one canonical diagnostic line naming the file, and no output left behind.</summary>
    Rejected,

    /// <summary>An exception escaped, an unexpected exit code, a stack trace, or a diagnostic not in the documented form.</summary>
    Crash,

    /// <summary>The run did not finish within the time allowed per input.</summary>
    Hang,

    /// <summary>Exit 0 with an output that does not verify, or a failed run that left an output or temp file behind.</summary>
    Corrupt,

    /// <summary>Finished, but allocated more managed memory than the budget for an input of its size.</summary>
    MemoryBlowup,
}

internal sealed record CliOutcome(string Input, string Command, Verdict Verdict, string Evidence, TimeSpan Elapsed, long AllocatedBytes)
{
    public override string ToString() => $"{Verdict} {Command} {Input} ({Elapsed.TotalSeconds:F1}s, {AllocatedBytes / (1 << 20)} MB): {Evidence}";
}

/// <summary>The documented diagnostic form (docs/contracts.md section 2): `FILE: error EDGEnnnn: problem. fix.`</summary>
internal static partial class Diagnostics
{
    [GeneratedRegex(@"^(?<file>.+?): error (?<code>EDGE\d{4}): (?<text>.+)$")]
    public static partial Regex Canonical();

    [GeneratedRegex(@"^\s+at \S+.*\)( in .*)?$", RegexOptions.Multiline)]
    public static partial Regex StackFrame();

    /// <summary>Null when <paramref name="stderr"/> is exactly one canonical error line naming a file under <paramref name="folder"/>.</summary>
    public static string? CheckSingleCanonicalError(string stderr, string folder)
    {
        if (StackFrame().IsMatch(stderr)) return "stack trace in output: " + Trim(stderr);
        if (stderr.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase)) return "unhandled exception: " + Trim(stderr);
        // The CLI's catch-all keeps stack traces off the console, but an exception nobody mapped is still our bug.
        if (stderr.Contains("error " + UnexpectedError.InternalErrorCode, StringComparison.Ordinal)) return "unexpected exception: " + Trim(stderr);
        var lines = WithoutProgress(stderr);
        if (lines.Length != 1) return $"{lines.Length} lines on stderr instead of one: " + Trim(stderr);
        var match = Canonical().Match(lines[0]);
        if (!match.Success) return "not a canonical diagnostic: " + Trim(lines[0]);
        var file = match.Groups["file"].Value;
        if (!Path.GetFullPath(file).StartsWith(Path.GetFullPath(folder), StringComparison.Ordinal))
            return $"the diagnostic names '{file}', not the input's file: " + Trim(lines[0]);
        return null;
    }

    /// <summary>Exit 1: a canonical EDGE02xx/03xx error first (detail lines may follow), no stack trace.</summary>
    public static string? CheckFailedCheck(string stderr)
    {
        if (StackFrame().IsMatch(stderr)) return "stack trace in output: " + Trim(stderr);
        var first = WithoutProgress(stderr).FirstOrDefault() ?? "";
        var match = Canonical().Match(first);
        return match.Success && match.Groups["code"].Value[5] is '2' or '3' ? null : "exit 1 without an accuracy or budget error: " + Trim(stderr);
    }

    /// <summary>stderr's lines but progress (the real process reports its stages; docs/contracts.md §2).</summary>
    private static string[] WithoutProgress(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith(ProgressLine.Prefix, StringComparison.Ordinal)).ToArray();

    public static string Trim(string text) => text.Length <= 400 ? text.Trim() : text[..400].Trim() + "…";
}
