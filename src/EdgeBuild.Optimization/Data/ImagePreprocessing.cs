using System.Globalization;

namespace EdgeBuild.Optimization.Data;

/// <summary>
/// How an image becomes a model input: resize, channel order, scale, mean/std normalization, layout.
/// Declared as "resize=fit:640:32;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw".
/// </summary>
public sealed record ImagePreprocessing
{
    /// <summary>
    /// exact: resize to Height×Width. fit: keep aspect so the longer side is at most MaxSide, both sides rounded to a
    /// multiple of Multiple. letterbox: a Height×Width input holding the image scaled to fit inside it (aspect kept),
    /// top-left, the rest zero after normalization: how an app feeds a model whose size is fixed at build time.
    /// </summary>
    public string ResizeMode { get; init; } = "fit";
    public int Height { get; init; }
    public int Width { get; init; }
    public int MaxSide { get; init; } = 640;
    public int Multiple { get; init; } = 32;

    /// <summary>rgb | bgr | gray.</summary>
    public string Channels { get; init; } = "rgb";

    /// <summary>nchw | nhwc.</summary>
    public string Layout { get; init; } = "nchw";

    public float Scale { get; init; } = 1f / 255f;
    public float[] Mean { get; init; } = [0f, 0f, 0f];
    public float[] Std { get; init; } = [1f, 1f, 1f];

    /// <summary>PP-OCR detector preprocessing (BGR, ImageNet mean/std, sides multiples of 32).</summary>
    public static ImagePreprocessing PaddleOcrDetector(int maxSide = 640) => new()
    {
        ResizeMode = "fit",
        MaxSide = maxSide,
        Multiple = 32,
        Channels = "bgr",
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
    };

    /// <summary>Parses the declared form; unknown keys or values are errors naming the key.</summary>
    public static ImagePreprocessing Parse(string spec, ImagePreprocessing? defaults = null)
    {
        var p = defaults ?? new ImagePreprocessing();
        foreach (var entry in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) throw Bad(entry, "is not KEY=VALUE");
            var key = entry[..eq].Trim();
            var value = entry[(eq + 1)..].Trim();
            p = key switch
            {
                "resize" => ParseResize(p, value),
                "channels" when value is "rgb" or "bgr" or "gray" => p with { Channels = value },
                "layout" when value is "nchw" or "nhwc" => p with { Layout = value },
                "scale" => p with { Scale = ParseNumber(value) },
                "mean" => p with { Mean = ParseTriple(value) },
                "std" => p with { Std = ParseTriple(value) },
                _ => throw Bad(entry, "has an unknown key or value"),
            };
        }

        return p;
    }

    public int ChannelCount => Channels == "gray" ? 1 : 3;

    /// <summary>Output size for an image of the given size.</summary>
    public (int Height, int Width) TargetSize(int height, int width)
    {
        if (ResizeMode is "exact" or "letterbox") return (Height, Width);
        var ratio = Math.Min(1.0, (double)MaxSide / Math.Max(height, width));
        int Round(double v) => Math.Max(Multiple, (int)Math.Round(v / Multiple) * Multiple);
        return (Round(height * ratio), Round(width * ratio));
    }

    /// <summary>The size the image itself is resized to inside the input: smaller than <see cref="TargetSize"/> only for letterbox.</summary>
    public (int Height, int Width) ContentSize(int height, int width)
    {
        if (ResizeMode != "letterbox") return TargetSize(height, width);
        var scale = Math.Min((double)Width / width, (double)Height / height);
        return (Math.Clamp((int)Math.Round(height * scale), 1, Height), Math.Clamp((int)Math.Round(width * scale), 1, Width));
    }

    private static ImagePreprocessing ParseResize(ImagePreprocessing p, string value)
    {
        var parts = value.Split(':');
        if (parts[0] is "exact" or "letterbox" && parts.Length == 2 && parts[1].Split('x') is [var h, var w])
            return p with { ResizeMode = parts[0], Height = ParseInt(h), Width = ParseInt(w) };
        if (parts[0] == "fit" && parts.Length is 2 or 3)
            return p with { ResizeMode = "fit", MaxSide = ParseInt(parts[1]), Multiple = parts.Length == 3 ? ParseInt(parts[2]) : 1 };
        throw Bad("resize=" + value, "must be exact:HxW, letterbox:HxW or fit:MAXSIDE[:MULTIPLE]");
    }

    private static float ParseNumber(string text)
    {
        var slash = text.IndexOf('/');
        if (slash > 0) return ParseNumber(text[..slash]) / ParseNumber(text[(slash + 1)..]);
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(text, "is not a number");
    }

    private static int ParseInt(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw Bad(text, "is not a positive integer");

    private static float[] ParseTriple(string text)
    {
        var values = text.Split(',').Select(ParseNumber).ToArray();
        return values.Length is 1 or 3 ? values : throw Bad(text, "needs 1 or 3 comma-separated numbers");
    }

    private static OptimizationInputException Bad(string entry, string problem) =>
        new(DiagnosticCodes.Samples, "--preprocess", $"'{entry}' {problem}", "Write it like \"resize=fit:640:32;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw\"");
}
