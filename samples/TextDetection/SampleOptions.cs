namespace TextDetection;

/// <summary>Command line: <c>TextDetection [image] [--out boxes.png] [--json] [--dump-map map.bin] [--runs N]</c>.</summary>
public sealed record SampleOptions(string ImagePath, string? OutPath, bool Json, string? DumpMapPath, int Runs)
{
    /// <summary>The image used when none is given: a scanned book page copied next to the app at build time.</summary>
    public static string DefaultImage => Path.Combine(AppContext.BaseDirectory, "page.png");

    public static SampleOptions Parse(string[] args)
    {
        var options = new SampleOptions(DefaultImage, null, false, null, 10);
        for (int i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--out" => options with { OutPath = Value(args, ++i) },
                "--json" => options with { Json = true },
                "--dump-map" => options with { DumpMapPath = Value(args, ++i) },
                "--runs" => options with { Runs = PositiveNumber(Value(args, ++i)) },
                var arg when !arg.StartsWith("--", StringComparison.Ordinal) => options with { ImagePath = arg },
                var arg => throw new ArgumentException($"Unknown option '{arg}'. Usage: TextDetection [image] [--out boxes.png] [--json] [--dump-map map.bin] [--runs N]"),
            };
        }

        if (!File.Exists(options.ImagePath)) throw new FileNotFoundException($"Image '{options.ImagePath}' not found.", options.ImagePath);
        return options;
    }

    private static int PositiveNumber(string text) =>
        int.TryParse(text, out int n) && n > 0 ? n : throw new ArgumentException($"'{text}' is not a positive number.");

    private static string Value(string[] args, int i) =>
        i < args.Length ? args[i] : throw new ArgumentException($"Option '{args[i - 1]}' needs a value.");
}
