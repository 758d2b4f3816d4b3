namespace EdgeBuild.Cli;

/// <summary>
/// Parsed `edgebuild VERB ...` arguments: positionals plus `--name value` options and `--flag`s.
/// Kept deliberately small: every option a command reads is declared by reading it, and
/// <see cref="ThrowOnUnused"/> turns leftovers (typos) into usage errors.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positionals { get; }

    public CommandArguments(IEnumerable<string> args, IReadOnlySet<string> flagNames)
    {
        var positionals = new List<string>();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (arg == "--")
            {
                while (e.MoveNext()) positionals.Add(e.Current);
                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? inlineValue = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                inlineValue = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flagNames.Contains(name) && inlineValue is null)
            {
                _flags.Add(name);
                continue;
            }

            string value;
            if (inlineValue is not null) value = inlineValue;
            else if (e.MoveNext()) value = e.Current;
            else throw new UsageException($"option --{name} needs a value");

            if (!_options.TryGetValue(name, out var list)) _options[name] = list = [];
            list.Add(value);
        }

        Positionals = positionals;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _flags.Contains(name);
    }

    public string? Option(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var values)) return null;
        if (values.Count > 1) throw new UsageException($"option --{name} was given {values.Count} times; give it once");
        return values[0];
    }

    public string RequiredOption(string name) =>
        Option(name) ?? throw new UsageException($"option --{name} is required");

    public double? DoubleOption(string name)
    {
        var text = Option(name);
        if (text is null) return null;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"option --{name} takes a number, got '{text}'");
    }

    public string Positional(int index, string what) =>
        index < Positionals.Count ? Positionals[index] : throw new UsageException($"missing {what}");

    /// <summary>Rejects options nobody read, so a typo like `--taget` is an error instead of a silent default.</summary>
    public void ThrowOnUnused(int expectedPositionals)
    {
        var unknown = _options.Keys.Concat(_flags).Where(n => !_read.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option --{unknown[0]}");
        if (Positionals.Count > expectedPositionals)
            throw new UsageException($"unexpected argument '{Positionals[expectedPositionals]}'");
    }
}
