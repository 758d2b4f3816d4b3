namespace EdgeBuild.Cli;

/// <summary>
/// Where a command writes: stdout holds only the result (JSON with --json), stderr diagnostics and progress.
/// <paramref name="StderrIsTerminal"/> picks the progress style: an updating line for a person at a terminal,
/// plain lines for logs (CI, the MSBuild task, tests capturing stderr).
/// </summary>
public sealed record CliConsole(TextWriter Stdout, TextWriter Stderr, bool StderrIsTerminal = false);
