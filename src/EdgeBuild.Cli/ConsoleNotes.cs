namespace EdgeBuild.Cli;

/// <summary>
/// Notes as the console (and so the build log) shows them: a note longer than <see cref="MaxChars"/> (the accuracy
/// fallback's node lists reached 170 names on one line) is cut at a list separator to its first entries and a count of
/// the rest. The report and `--json` keep every note whole.
/// </summary>
internal static class ConsoleNotes
{
    public const int MaxChars = 320;

    private const string Separator = ", ";

    public static string Shorten(string note)
    {
        if (note.Length <= MaxChars) return note;
        var cut = note.LastIndexOf(Separator, MaxChars, StringComparison.Ordinal);
        if (cut <= 0) return note[..MaxChars] + "… (--report or --json has the whole note)";
        var rest = note[cut..].Split(Separator).Length - 1;
        return $"{note[..cut]}, … and {rest} more (--report or --json lists all)";
    }
}
