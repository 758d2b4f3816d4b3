using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace EdgeBuild.Cli;

/// <summary>
/// Options several verbs declare. Each call makes a new option (a symbol belongs to one command), so each verb's
/// help lists exactly what it accepts; the name, value label and description are written once, here.
/// </summary>
internal static class CliOptions
{
    public static Option<bool> Json(string what = "the result") => new("--json") { Description = $"print {what} as JSON on stdout (nothing else goes to stdout)" };

    public static Option<string?> Target(string description) => new("--target") { HelpName = "ID", Description = description };

    public static Option<string?> Profile(string description) => new("--profile") { HelpName = "FILE", Description = description };

    public static Option<string> Data(string description) => new("--data") { HelpName = "GLOB", Description = description, Required = true };

    public static Option<string?> Preprocess() => new("--preprocess")
    {
        HelpName = "SPEC",
        Description = "how images become inputs, e.g. \"resize=fit:640:32;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw\"",
    };

    public static Option<string?> Text(string name, string helpName, string description) => new(name) { HelpName = helpName, Description = description };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>A number in invariant culture ("30.5" everywhere); a bad value is a usage error naming the option.</summary>
    public static Option<T?> Number<T>(string name, string helpName, string description)
        where T : struct, INumberBase<T> => new(name)
        {
            HelpName = helpName,
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
                result.AddError($"option {name} takes a number, got '{text}'");
                return null;
            },
        };

    /// <summary>A positive whole number ("40"; not "2.5", "1e3" or "0"); a bad value is a usage error naming the option.</summary>
    public static Option<int?> Count(string name, string helpName, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
            result.AddError($"option {name} takes a positive whole number, got '{text}'");
            return null;
        },
    };

    /// <summary>
    /// Task metrics per output, read by the optimizer's own parser (src/Shared/AccuracySpec.cs) while the command line
    /// is parsed: a bad spec is a usage error (EDGE0002, exit 2) naming the fix, before any model is loaded.
    /// </summary>
    public static Option<string?> Accuracy(string description)
    {
        var option = new Option<string?>("--accuracy") { HelpName = "SPEC", Description = description };
        option.Validators.Add(r =>
        {
            try
            {
                AccuracyMetrics.Parse(r.GetValueOrDefault<string?>());
            }
            catch (AccuracySpecException e)
            {
                r.AddError($"option --accuracy: {e.Message}");
            }
        });
        return option;
    }

    public static Argument<string> File(string name, string description) => new(name) { Description = description };
}
