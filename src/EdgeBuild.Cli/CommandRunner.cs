using System.CommandLine;
using System.CommandLine.Help;

namespace EdgeBuild.Cli;

/// <summary>
/// `edgebuild VERB ...` on System.CommandLine: parses against the verbs' declarations, turns a usage error into one
/// canonical EDGE0002 line (exit 2) and any failure that escapes a command into a diagnostic, never a stack trace.
/// </summary>
public static class CommandRunner
{
    /// <summary>Every verb, in the order `--help` lists them. Add a command here and nowhere else.</summary>
    public static IReadOnlyList<ICommand> Commands { get; } =
    [
        new Commands.InspectCommand(),
        new Commands.OptimizeCommand(),
        new Commands.ProfilesCommand(),
        new Commands.VerifyCommand(),
        new Commands.BenchCommand(),
    ];

    /// <summary>
    /// No response files: a model path may start with '@' and must stay a path. Parsing is otherwise System.CommandLine's
    /// (`--name value`, `--name=value`, `--name:value`, `--` ends the options).
    /// </summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, new CliConsole(stdout, stderr));

    public static int Run(string[] args, CliConsole console)
    {
        ParseResult? parsed = null;
        try
        {
            parsed = CreateRoot(console).Parse(args, Parsing);
            if (UsageErrors.Find(parsed, args) is { } usageError)
            {
                console.Stderr.WriteLine(usageError);
                return ExitCodes.BadInput;
            }

            return parsed.Invoke(new InvocationConfiguration
            {
                Output = console.Stdout,
                Error = console.Stderr,
                // Failures are ours to map (below); Ctrl+C keeps the runtime's default (the process ends at once).
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e)
        {
            // Commands map their own failures; this catches what slipped through.
            var subject = args.Skip(1).FirstOrDefault(a => !a.StartsWith('-') && File.Exists(a)) ?? (parsed is null ? "edgebuild" : UsageErrors.CommandPath(parsed.CommandResult.Command));
            return UnexpectedError.Report(subject, e, console.Stderr);
        }
    }

    /// <summary>
    /// A plain command named `edgebuild` rather than System.CommandLine's RootCommand, whose name is the host
    /// executable's (`dotnet`, `testhost`) and would show up in every usage line.
    /// </summary>
    internal static Command CreateRoot(CliConsole console)
    {
        var root = new Command("edgebuild", "Optimize ONNX models for edge devices at build time. Exit codes: 0 ok, 1 failed check, 2 bad input or usage.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (var command in Commands) root.Subcommands.Add(command.Create(console));
        return root;
    }
}
