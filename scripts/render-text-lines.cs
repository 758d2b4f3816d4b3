// Renders the held-out text-line images (ppocr-split/line-crops) that the PP-OCR direction classifier and recognizer
// are validated on: printed English lines in the pinned DejaVu fonts (Debian fonts-dejavu-core, scripts/fetch-assets.sh),
// in several sizes, inks and paper shades, with a little seeded sensor noise, each short enough to fit PP-OCR's 48x320
// line input upright. No build calibrates on them, and they share no text with the sample's held-out pages.
//
//   dotnet run scripts/render-text-lines.cs -- FONT_DIR DEST_DIR
//
// Same fonts, same SkiaSharp, same bytes: every size, colour and noise value below is fixed or drawn from a seeded Random.
#:package SkiaSharp@3.119.0
#:package SkiaSharp.NativeAssets.Linux.NoDependencies@3.119.0
#:property PublishAot=false
#:property ManagePackageVersionsCentrally=false
using SkiaSharp;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: render-text-lines.cs FONT_DIR DEST_DIR");
    return 2;
}
string fontDir = args[0], dest = args[1];
string[] fonts = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf"];
string[] lines =
[
    "The quick brown fox",
    "Invoice 2041-07",
    "Keep this side up",
    "Chapter 3. Measuring",
    "Platform 9, gate B",
    "Total: 4.75 kg (net)",
    "Please close the door",
    "www.example.org/help",
    "Batteries included",
    "Room 114 - Library",
    "Best before 2027/02",
    "Open 8:30 - 17:00",
    "Serial A7X-90213",
    "Handle with care",
    "Press twice to start",
    "Exit only, no entry",
];

Directory.CreateDirectory(dest);
var random = new Random(20261206);
for (int i = 0; i < lines.Length; i++)
{
    using var typeface = SKTypeface.FromFile(Path.Combine(fontDir, fonts[i % fonts.Length]))
        ?? throw new FileNotFoundException($"font '{fonts[i % fonts.Length]}' not found under {fontDir}");
    float size = 22 + 3 * (i % 5);
    using var font = new SKFont(typeface, size);
    using var ink = new SKPaint { Color = Gray(20 + 12 * (i % 4)), IsAntialias = true };
    float width = font.MeasureText(lines[i]);
    int pad = 6 + i % 4, h = (int)MathF.Ceiling(size * 1.35f) + 2 * pad;
    // PP-OCR's own line preprocessing keeps the aspect and pads on the right up to 48x320: the canvas is at least that
    // shape, so squeezing it to the models' 48x320 input does not squash the glyphs.
    int w = Math.Max((int)MathF.Ceiling(width) + 2 * pad, (int)MathF.Ceiling(h * 320f / 48f));

    using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
    using (var canvas = new SKCanvas(bitmap))
    {
        canvas.Clear(Gray((byte)(226 + 6 * (i % 5))));
        canvas.DrawText(lines[i], pad, pad + size, SKTextAlign.Left, font, ink);
    }
    AddNoise(bitmap, random, amplitude: 6);

    // Written in place: scripts/fetch-assets.sh draws into a temporary folder and moves the whole folder when done.
    using var image = SKImage.FromBitmap(bitmap);
    using var png = image.Encode(SKEncodedImageFormat.Png, 100);
    using var file = File.Create(Path.Combine(dest, $"line{i + 1:D2}.png"));
    png.SaveTo(file);
}
Console.Error.WriteLine($"render-text-lines: {lines.Length} lines in {dest}");
return 0;

static SKColor Gray(int level) => new((byte)level, (byte)level, (byte)level);

// A scanner's or camera's grain: the same seeded offset on all three channels of a pixel.
static void AddNoise(SKBitmap bitmap, Random random, int amplitude)
{
    for (int y = 0; y < bitmap.Height; y++)
    for (int x = 0; x < bitmap.Width; x++)
    {
        var c = bitmap.GetPixel(x, y);
        int d = random.Next(-amplitude, amplitude + 1);
        bitmap.SetPixel(x, y, new SKColor(Clamp(c.Red + d), Clamp(c.Green + d), Clamp(c.Blue + d)));
    }
}

static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
