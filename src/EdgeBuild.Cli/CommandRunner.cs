namespace EdgeBuild.Cli;

/// <summary>Dispatches `edgebuild VERB ...` to the registered command and maps failures to exit codes.</summary>
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

    /// <summary>Flags (options without a value) understood by any command.</summary>
    private static readonly HashSet<string> FlagNames = ["json", "help", "explain", "force", "verbose", "embed", "op-profile", "fail-on-budget", "dynamic"];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintHelp(stdout);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }

        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"edgebuild: error EDGE0002: unknown command '{args[0]}'. Known commands: {string.Join(", ", Commands.Select(c => c.Name))}.");
            return ExitCodes.BadInput;
        }

        try
        {
            var parsed = new CommandArguments(args.Skip(1), FlagNames);
            if (parsed.Flag("help"))
            {
                stdout.WriteLine(command.Usage);
                return ExitCodes.Ok;
            }

            return command.Run(parsed, stdout, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"edgebuild {command.Name}: error EDGE0002: {e.Message}.");
            stderr.WriteLine(command.Usage);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            // Commands map their own failures; this catches what slipped through (inspect, profiles, argument parsing).
            var subject = args.Skip(1).FirstOrDefault(a => !a.StartsWith('-') && File.Exists(a)) ?? $"edgebuild {command.Name}";
            return UnexpectedError.Report(subject, e, stderr);
        }
    }

    private static void PrintHelp(TextWriter stdout)
    {
        stdout.WriteLine("edgebuild — optimize ONNX models for edge devices at build time");
        stdout.WriteLine();
        foreach (var c in Commands) stdout.WriteLine($"  {c.Name,-10} {c.Summary}");
        stdout.WriteLine();
        stdout.WriteLine("Run `edgebuild COMMAND --help` for a command's options. Exit codes: 0 ok, 1 failed check, 2 bad input or usage.");
    }
}
