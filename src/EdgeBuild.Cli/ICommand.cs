using System.CommandLine;

namespace EdgeBuild.Cli;

/// <summary>One `edgebuild` verb. Commands are listed in <see cref="CommandRunner"/>.</summary>
public interface ICommand
{
    string Name { get; }

    /// <summary>
    /// The verb as System.CommandLine sees it: its arguments and options declared once, from which parsing, `--help`
    /// and "did you mean" suggestions are all derived, and its action writing to <paramref name="console"/>.
    /// </summary>
    Command Create(CliConsole console);
}
