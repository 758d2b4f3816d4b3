using System.Numerics;

namespace TextDetection;

/// <summary>
/// Turns the detector's probability map into text boxes, following PaddleOCR's DB post-processing: threshold the
/// map, take each connected region, fit its minimal rotated rectangle, drop small or unsure ones, and grow the
/// rest (DB predicts shrunk text kernels, so boxes are "unclipped" by area × ratio / perimeter).
/// </summary>
public static class TextBoxes
{
    public const float PixelThreshold = 0.3f; // a map pixel above this is text
    public const float BoxThreshold = 0.6f;   // a region's mean probability must reach this
    public const float UnclipRatio = 1.5f;
    public const float MinSide = 3;           // pixels of the map

    /// <param name="map">Probability map, <paramref name="height"/> × <paramref name="width"/>.</param>
    /// <param name="scale">Image-to-map scale from <see cref="DetectorInput.Letterbox"/>.</param>
    /// <param name="imageWidth">Width of the original image, to clip boxes.</param>
    /// <param name="imageHeight">Height of the original image, to clip boxes.</param>
    public static List<TextBox> Find(ReadOnlySpan<float> map, int height, int width, float scale, int imageWidth, int imageHeight)
    {
        var boxes = new List<TextBox>();
        var visited = new bool[map.Length];
        for (int start = 0; start < map.Length; start++)
        {
            if (visited[start] || map[start] <= PixelThreshold) continue;

            var (pixels, meanScore) = Region(map, width, height, start, visited);
            var rect = MinAreaRect.Around(pixels);
            if (rect.ShortSide < MinSide || meanScore < BoxThreshold) continue;

            float area = rect.Length * rect.Thickness, perimeter = 2 * (rect.Length + rect.Thickness);
            var grown = rect.Grow(area * UnclipRatio / perimeter);
            if (grown.ShortSide < MinSide + 2) continue;

            // Whole image pixels, as PaddleOCR's boxes (np.round in its post-processing): the line crops then do not
            // follow sub-pixel wobble of the map, which flips the recognizer's close calls between a space and none.
            var corners = grown.Corners()
                .Select(p => new Vector2(Math.Clamp(MathF.Round(p.X / scale), 0, imageWidth), Math.Clamp(MathF.Round(p.Y / scale), 0, imageHeight)))
                .ToArray();
            boxes.Add(new TextBox(corners, meanScore));
        }

        // Reading order: top to bottom, then left to right.
        return [.. boxes.OrderBy(b => b.Corners[0].Y).ThenBy(b => b.Corners[0].X)];
    }

    // One 8-connected region of above-threshold pixels (flood fill): its pixel centres and mean probability.
    private static (List<Vector2> Pixels, float MeanScore) Region(ReadOnlySpan<float> map, int width, int height, int start, bool[] visited)
    {
        var pixels = new List<Vector2>();
        var pending = new Stack<int>([start]);
        visited[start] = true;
        double sum = 0;
        while (pending.TryPop(out int i))
        {
            int x = i % width, y = i / width;
            pixels.Add(new Vector2(x, y));
            sum += map[i];
            for (int ny = Math.Max(0, y - 1); ny <= Math.Min(height - 1, y + 1); ny++)
            {
                for (int nx = Math.Max(0, x - 1); nx <= Math.Min(width - 1, x + 1); nx++)
                {
                    int n = ny * width + nx;
                    if (!visited[n] && map[n] > PixelThreshold)
                    {
                        visited[n] = true;
                        pending.Push(n);
                    }
                }
            }
        }

        return (pixels, (float)(sum / pixels.Count));
    }
}
