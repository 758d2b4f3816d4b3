using EdgeBuild.Tests.Shared;
using StbImageSharp;

namespace EdgeBuild.Integration.Tests.Infrastructure;

/// <summary>
/// Calibration samples for the PP-OCR detector from real photos and scans: a centre crop of the image,
/// normalized with the detector's ImageNet mean/std, float32 NCHW, written as .npy (format 1.0).
/// </summary>
internal static class NpySamples
{
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    public static readonly string[] Images = ["page.png", "text.png", "coffee.png", "chelsea.png", "astronaut.png"];

    public static void Write(string path, string imageName, int size)
    {
        var image = ImageResult.FromMemory(File.ReadAllBytes(Path.Combine(TestAssets.ImagesDir, imageName)), ColorComponents.RedGreenBlue);
        var data = new float[3 * size * size];
        var x0 = Math.Max(0, (image.Width - size) / 2);
        var y0 = Math.Max(0, (image.Height - size) / 2);
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
        {
            var sx = Math.Min(image.Width - 1, x0 + x);
            var sy = Math.Min(image.Height - 1, y0 + y);
            for (var c = 0; c < 3; c++)
            {
                var v = image.Data[(sy * image.Width + sx) * 3 + c] / 255f;
                data[c * size * size + y * size + x] = (v - Mean[c]) / Std[c];
            }
        }

        NpyFile.Write(path, data, 1, 3, size, size);
    }
}
