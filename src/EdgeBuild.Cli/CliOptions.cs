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

    public static Argument<string> File(string name, string description) => new(name) { Description = description };
}
