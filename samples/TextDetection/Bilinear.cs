using StbImageSharp;

namespace TextDetection;

/// <summary>Bilinear sampling of an 8-bit RGB image, clamped at its edges.</summary>
public static class Bilinear
{
    /// <summary>The value of <paramref name="channel"/> (0 R, 1 G, 2 B) at pixel coordinates (x, y), pixel centres at integers.</summary>
    public static float Sample(ImageResult image, float x, float y, int channel)
    {
        x = Math.Clamp(x, 0, image.Width - 1);
        y = Math.Clamp(y, 0, image.Height - 1);
        int x0 = (int)x, y0 = (int)y;
        int x1 = Math.Min(x0 + 1, image.Width - 1), y1 = Math.Min(y0 + 1, image.Height - 1);
        float fx = x - x0, fy = y - y0;
        float top = Pixel(image, x0, y0, channel) * (1 - fx) + Pixel(image, x1, y0, channel) * fx;
        float bottom = Pixel(image, x0, y1, channel) * (1 - fx) + Pixel(image, x1, y1, channel) * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static byte Pixel(ImageResult image, int x, int y, int channel) => image.Data[(y * image.Width + x) * 3 + channel];
}
