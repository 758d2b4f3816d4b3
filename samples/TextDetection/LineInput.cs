using System.Numerics;
using StbImageSharp;

namespace TextDetection;

/// <summary>
/// Cuts a detected text line out of the image, straightened, into the classifier's or recognizer's input, the way
/// PaddleOCR prepares it (get_rotate_crop_image, then resize_norm_img): the box's rectangle is resampled upright to
/// 48 pixels high keeping its aspect ratio, BGR, scaled to [-1, 1], padded on the right with zeros.
/// </summary>
public static class LineInput
{
    public const int Height = 48;

    /// <summary>
    /// The box's corners in reading order (top-left, top-right, bottom-right, bottom-left of the text). A box much
    /// taller than wide holds vertical text: PaddleOCR turns such crops 90° counter-clockwise, so do we.
    /// </summary>
    public static Vector2[] Upright(Vector2[] corners) =>
        Side(corners[0], corners[3]) >= 1.5f * Side(corners[0], corners[1]) ? [corners[1], corners[2], corners[3], corners[0]] : corners;

    /// <summary>The same line turned upside down (what the direction classifier's "180" label asks for).</summary>
    public static Vector2[] Rotated180(Vector2[] c) => [c[2], c[3], c[0], c[1]];

    /// <summary>How wide the line is once scaled to <see cref="Height"/> pixels high.</summary>
    public static int ScaledWidth(Vector2[] c)
    {
        float width = Math.Max(Side(c[0], c[1]), Side(c[3], c[2]));
        float height = Math.Max(Side(c[0], c[3]), Side(c[1], c[2]));
        return Math.Max(1, (int)MathF.Ceiling(Height * width / Math.Max(height, 1)));
    }

    /// <summary>
    /// Writes the line into <paramref name="chw"/> (1 × 3 × 48 × <paramref name="tensorWidth"/>): its first
    /// min(<see cref="ScaledWidth"/>, tensorWidth) columns hold the line, the rest zeros (PaddleOCR's padding).
    /// </summary>
    public static void Write(ImageResult image, Vector2[] c, Span<float> chw, int tensorWidth)
    {
        int width = Math.Min(ScaledWidth(c), tensorWidth), plane = Height * tensorWidth;
        chw[..(3 * plane)].Clear();
        // The box is a rectangle: one affine map takes output pixel (u, v) to image coordinates.
        Vector2 along = (c[1] - c[0]) / width, down = (c[3] - c[0]) / Height;
        for (int v = 0; v < Height; v++)
        {
            for (int u = 0; u < width; u++)
            {
                var p = c[0] + along * (u + 0.5f) + down * (v + 0.5f) - new Vector2(0.5f);
                for (int bgr = 0; bgr < 3; bgr++)
                {
                    chw[bgr * plane + v * tensorWidth + u] = Bilinear.Sample(image, p.X, p.Y, channel: 2 - bgr) / 127.5f - 1;
                }
            }
        }
    }

    private static float Side(Vector2 a, Vector2 b) => Vector2.Distance(a, b);
}
