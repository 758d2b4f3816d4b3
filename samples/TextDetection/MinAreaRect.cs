using System.Numerics;

namespace TextDetection;

/// <summary>The smallest rotated rectangle around a set of points (OpenCV's minAreaRect), by rotating calipers.</summary>
public readonly record struct MinAreaRect(Vector2 Center, Vector2 Axis, float Length, float Thickness)
{
    public float ShortSide => Math.Min(Length, Thickness);

    public static MinAreaRect Around(List<Vector2> points)
    {
        var hull = ConvexHull(points);
        if (hull.Count == 1) return new MinAreaRect(hull[0], Vector2.UnitX, 0, 0);

        var best = default(MinAreaRect);
        float bestArea = float.MaxValue;
        for (int i = 0; i < hull.Count; i++)
        {
            // The minimal rectangle has a side on one of the hull's edges: try each edge direction.
            var axis = Vector2.Normalize(hull[(i + 1) % hull.Count] - hull[i]);
            var normal = new Vector2(-axis.Y, axis.X);
            float minA = float.MaxValue, maxA = float.MinValue, minN = float.MaxValue, maxN = float.MinValue;
            foreach (var p in hull)
            {
                float a = Vector2.Dot(p, axis), n = Vector2.Dot(p, normal);
                (minA, maxA, minN, maxN) = (Math.Min(minA, a), Math.Max(maxA, a), Math.Min(minN, n), Math.Max(maxN, n));
            }

            float area = (maxA - minA) * (maxN - minN);
            if (area < bestArea)
            {
                bestArea = area;
                var center = axis * ((minA + maxA) / 2) + normal * ((minN + maxN) / 2);
                best = new MinAreaRect(center, axis, maxA - minA, maxN - minN);
            }
        }

        return best;
    }

    /// <summary>The same rectangle grown by <paramref name="distance"/> on every side.</summary>
    public MinAreaRect Grow(float distance) => this with { Length = Length + 2 * distance, Thickness = Thickness + 2 * distance };

    /// <summary>Corners clockwise (y points down) from the top-left one, ordered like PaddleOCR's get_mini_boxes.</summary>
    public Vector2[] Corners()
    {
        var along = Axis * (Length / 2);
        var across = new Vector2(-Axis.Y, Axis.X) * (Thickness / 2);
        var c = new[] { Center - along - across, Center + along - across, Center + along + across, Center - along + across }
            .OrderBy(p => p.X).ToArray();
        var (topLeft, bottomLeft) = c[0].Y <= c[1].Y ? (c[0], c[1]) : (c[1], c[0]);
        var (topRight, bottomRight) = c[2].Y <= c[3].Y ? (c[2], c[3]) : (c[3], c[2]);
        return [topLeft, topRight, bottomRight, bottomLeft];
    }

    // Andrew's monotone chain; returns the hull counter-clockwise without repeating the first point.
    private static List<Vector2> ConvexHull(List<Vector2> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3) return sorted;
        var hull = new List<Vector2>(2 * sorted.Count);
        for (int pass = 0; pass < 2; pass++)
        {
            int start = hull.Count;
            foreach (var p in sorted)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(p);
            }

            hull.RemoveAt(hull.Count - 1);
            sorted.Reverse();
        }

        return hull;
    }

    private static float Cross(Vector2 o, Vector2 a, Vector2 b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
}
