using EdgeBuild.Tests.Shared;
using StbImageSharp;

namespace EdgeBuild.Runtime.Tests;

/// <summary>A real scanned page (skimage's page.png) prepared the way PP-OCR expects: resized, normalized, CHW.</summary>
internal static class DetectorInput
{
    private static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };
    private static readonly float[] Std = { 0.229f, 0.224f, 0.225f };

    public static float[] Page(int height, int width)
    {
        using var stream = File.OpenRead(Path.Combine(TestAssets.ImagesDir, "page.png"));
        var image = ImageResult.FromStream(stream, ColorComponents.RedGreenBlue);
        var chw = new float[3 * height * width];
        for (var y = 0; y < height; y++)
        {
            var sy = y * image.Height / height;
            for (var x = 0; x < width; x++)
            {
                var sx = x * image.Width / width;
                for (var c = 0; c < 3; c++)
                {
                    var value = image.Data[(sy * image.Width + sx) * 3 + c] / 255f;
                    chw[(c * height + y) * width + x] = (value - Mean[c]) / Std[c];
                }
            }
        }

        return chw;
    }
}
