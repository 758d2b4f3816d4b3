using System.Numerics;
using StbImageSharp;
using StbImageWriteSharp;

namespace TextDetection;

/// <summary>Draws boxes onto a copy of the image and saves it as PNG.</summary>
public static class BoxDrawing
{
    public static void SavePng(ImageResult image, IEnumerable<TextBox> boxes, string path)
    {
        byte[] rgb = (byte[])image.Data.Clone();
        foreach (var box in boxes)
        {
            for (int i = 0; i < 4; i++) DrawLine(rgb, image.Width, image.Height, box.Corners[i], box.Corners[(i + 1) % 4]);
        }

        // Written next to the destination, then renamed: a failed write never leaves a half-written file.
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            new ImageWriter().WritePng(rgb, image.Width, image.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void DrawLine(byte[] rgb, int width, int height, Vector2 from, Vector2 to)
    {
        int steps = (int)MathF.Ceiling(Vector2.Distance(from, to)) + 1;
        for (int s = 0; s <= steps; s++)
        {
            var p = Vector2.Lerp(from, to, (float)s / steps);
            for (int dy = -1; dy <= 1; dy++)
            {
                for (int dx = -1; dx <= 1; dx++)
                {
                    int x = (int)p.X + dx, y = (int)p.Y + dy;
                    if (x < 0 || y < 0 || x >= width || y >= height) continue;
                    int i = (y * width + x) * 3;
                    (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)255, (byte)0, (byte)0);
                }
            }
        }
    }
}
