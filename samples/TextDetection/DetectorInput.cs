using StbImageSharp;

namespace TextDetection;

/// <summary>
/// Turns an image into the detector's input the way PaddleOCR prepares it: BGR channel order, scaled to [0, 1],
/// normalized with ImageNet's mean and standard deviation, planar (CHW).
/// </summary>
public static class DetectorInput
{
    // PaddleOCR normalizes the BGR image with these values in this order (they are ImageNet's RGB statistics,
    // applied to B, G, R as is): the detector was trained that way, so keep them.
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>Decodes a PNG, JPEG, BMP, TGA, PSD or GIF file to 8-bit RGB.</summary>
    public static ImageResult LoadRgb(string path)
    {
        try
        {
            return ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"'{path}' is not an image StbImageSharp can decode (PNG, JPEG, BMP, TGA, PSD, GIF): {e.Message}.", e);
        }
    }

    /// <summary>
    /// Resizes <paramref name="image"/> (RGB) to fit <paramref name="width"/> × <paramref name="height"/> keeping its
    /// aspect ratio, writes it top-left into <paramref name="chw"/> (1 × 3 × height × width) and pads the rest with
    /// zeros (the mean colour). The input size is fixed at build time by the EdgeModel's Dims; multiples of 32 suit
    /// the detector's five down-samplings.
    /// </summary>
    /// <returns>The scale from image pixels to input pixels, to map boxes back.</returns>
    public static float Letterbox(ImageResult image, Span<float> chw, int height, int width)
    {
        float scale = Math.Min((float)width / image.Width, (float)height / image.Height);
        int fitWidth = Math.Min(width, (int)Math.Round(image.Width * scale));
        int fitHeight = Math.Min(height, (int)Math.Round(image.Height * scale));
        int plane = height * width;
        chw.Clear();

        for (int y = 0; y < fitHeight; y++)
        {
            for (int x = 0; x < fitWidth; x++)
            {
                for (int bgr = 0; bgr < 3; bgr++)
                {
                    float value = Bilinear.Sample(image, (x + 0.5f) / scale - 0.5f, (y + 0.5f) / scale - 0.5f, channel: 2 - bgr);
                    chw[bgr * plane + y * width + x] = (value / 255f - Mean[bgr]) / Std[bgr];
                }
            }
        }

        return scale;
    }
}
