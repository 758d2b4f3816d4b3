using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Cli;

/// <summary>
/// A usage error as one canonical line on stderr (docs/contracts.md §2), e.g.
/// `edgebuild optimize: error EDGE0002: unknown option '--taget' (did you mean '--target'?). Run 'edgebuild optimize --help' for its options.`
/// Suggestions come from the command's own declarations, so they cannot drift from what it accepts.
/// </summary>
internal static class UsageErrors
{
    public const string Code = DiagnosticCodes.Usage;

    /// <summary>The usage error of this command line, or null when it has none.</summary>
    public static string? Find(ParseResult parsed, IReadOnlyList<string> args)
    {
        var command = parsed.CommandResult.Command;
        // A mistyped option first: it explains the other errors (its value left over as an argument, say).
        var unmatched = MistypedOption(parsed, args) ?? parsed.UnmatchedTokens.FirstOrDefault();
        if (unmatched is not null) return Line(command, Unmatched(command, unmatched));
        return parsed.Action is ParseErrorAction ? Line(command, Problem(parsed.Errors[0])) : null;
    }

    /// <summary>
    /// System.CommandLine binds an unknown `--name` to a free positional slot (`inspect --jsn` would open a file named
    /// "--jsn"); an argument that looks like an option is a typo unless it comes after `--`.
    /// </summary>
    private static string? MistypedOption(ParseResult parsed, IReadOnlyList<string> args)
    {
        var dashDash = args.ToList().IndexOf("--");
        var literal = dashDash < 0 ? [] : args.Skip(dashDash + 1).ToHashSet(StringComparer.Ordinal);
        return parsed.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-'))
               ?? parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value)
                   .FirstOrDefault(v => v.Length > 2 && v.StartsWith("--", StringComparison.Ordinal) && !literal.Contains(v));
    }

    public static string Line(Command command, string problem)
    {
        var path = CommandPath(command);
        var fix = command.Subcommands.Count > 0 && command.Parents.Any()
            ? $"Run '{path} --help' for its commands and options"
            : command.Parents.Any() ? $"Run '{path} --help' for its options" : $"Run '{path} --help' for the commands";
        return $"{path}: error {Code}: {OneLine(problem).TrimEnd('.')}. {fix}.";
    }

    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return string.Join(' ', names);
    }

    private static string Unmatched(Command command, string token)
    {
        if (token.StartsWith('-'))
        {
            var name = token.Split('=', ':')[0];
            return $"unknown option '{name}'" + Suggest(name, OptionNames(command));
        }

        if (command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            return $"unknown command '{token}'" + Suggest(token, command.Subcommands.Select(c => c.Name)) + $"; the commands are {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        return $"unexpected argument '{token}'";
    }

    private static string Problem(ParseError error) => error.SymbolResult switch
    {
        ArgumentResult { Tokens.Count: 0 } missing => $"missing {missing.Argument.Name}",
        CommandResult { Command: { Subcommands.Count: > 0, Action: null } command } => $"no command given; the commands are {string.Join(", ", command.Subcommands.Select(c => c.Name))}",
        _ => LowerFirst(error.Message),
    };

    /// <summary>Every spelling the command accepts, its ancestors' recursive options (--help) included.</summary>
    private static IEnumerable<string> OptionNames(Command command)
    {
        var options = command.Options.AsEnumerable();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            options = options.Concat(parent.Options.Where(o => o.Recursive));
        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
    }

    private static string Suggest(string input, IEnumerable<string> candidates) =>
        ClosestMatch.Find(input, candidates) is { } match ? $" (did you mean '{match}'?)" : "";

    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
