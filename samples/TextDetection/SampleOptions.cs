namespace TextDetection;

/// <summary>The sample's command line; see <see cref="Usage"/>.</summary>
public sealed record SampleOptions(string ImagePath, string? OutPath, bool Json, string? DumpMapPath, int Runs, int? Threads, bool Float)
{
    public const string Usage =
        "Usage: TextDetection [image] [--float] [--out boxes.png] [--json] [--dump-map map.bin] [--runs N] [--threads N]";

    /// <summary>The image used when none is given: a scanned book page copied next to the app at build time.</summary>
    public static string DefaultImage => Path.Combine(AppContext.BaseDirectory, "page.png");

    public static SampleOptions Parse(string[] args)
    {
        var options = new SampleOptions(DefaultImage, null, false, null, Runs: 5, Threads: null, Float: false);
        for (int i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--float" => options with { Float = true },
                "--out" => options with { OutPath = Value(args, ++i) },
                "--json" => options with { Json = true },
                "--dump-map" => options with { DumpMapPath = Value(args, ++i) },
                "--runs" => options with { Runs = PositiveNumber(Value(args, ++i)) },
                "--threads" => options with { Threads = PositiveNumber(Value(args, ++i)) },
                var arg when !arg.StartsWith("--", StringComparison.Ordinal) => options with { ImagePath = arg },
                var arg => throw new ArgumentException($"Unknown option '{arg}'."),
            };
        }

        ExistingFile(options.ImagePath);
        return options;
    }

    private static string ExistingFile(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"File '{path}' not found.", path);

    private static int PositiveNumber(string text) =>
        int.TryParse(text, out int n) && n > 0 ? n : throw new ArgumentException($"'{text}' is not a positive number.");

    private static string Value(string[] args, int i) =>
        i < args.Length ? args[i] : throw new ArgumentException($"Option '{args[i - 1]}' needs a value.");
}
