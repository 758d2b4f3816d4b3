namespace EdgeBuild.Cli;

/// <summary>
/// Where a command writes: stdout holds only the result (JSON with --json), stderr diagnostics and progress.
/// <paramref name="ShowProgress"/>: long runs report their stages on stderr (<see cref="ProgressRenderer"/>); the
/// `edgebuild` process always does, in-process callers (tests of diagnostics) opt in. <paramref name="StderrIsTerminal"/>
/// picks the style: an updating line for a person at a terminal, plain lines for logs (CI, the MSBuild task).
/// </summary>
public sealed record CliConsole(TextWriter Stdout, TextWriter Stderr, bool StderrIsTerminal = false, bool ShowProgress = false)
{
    /// <summary>A progress sink for one run, or null when this console shows none.</summary>
    internal ProgressRenderer? Progress(string label) => ShowProgress ? new ProgressRenderer(Stderr, StderrIsTerminal, label) : null;
}
