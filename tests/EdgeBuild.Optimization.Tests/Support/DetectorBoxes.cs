using System.Numerics;
using EdgeBuild.Optimization.Data;
using Microsoft.ML.OnnxRuntime;
using TextDetection;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>
/// The OCR sample's boxes from a detector file: the image prepared by the optimizer's own preprocessing (the same
/// tensor the build validated on), the probability map turned into boxes by the sample's post-processing
/// (samples/TextDetection/TextBoxes.cs, linked into this project), boxes in the map's pixels. Comparing two models'
/// boxes on the same tensor is what samples/compare-detections.cs checks on two runs of the app: same count, each
/// reference box overlapping a candidate box with IoU at least the bound.
/// </summary>
internal sealed class DetectorBoxes : IDisposable
{
    private readonly InferenceSession _session;

    public DetectorBoxes(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(model, options);
    }

    public List<TextBox> Find(string imagePath, ImagePreprocessing preprocessing) => Find(ImageLoader.Load(imagePath, _session.InputMetadata.Keys.First(), preprocessing));

    public List<TextBox> Find(Onnx.Protos.TensorProto input)
    {
        using var x = EdgeBuild.Optimization.Runtime.OrtTensors.ToOrtValue(input);
        using var runOptions = new RunOptions();
        using var y = _session.Run(runOptions, [_session.InputMetadata.Keys.First()], [x], [_session.OutputMetadata.Keys.First()]);
        var shape = y[0].GetTensorTypeAndShape().Shape; // [1, 1, H, W]
        int height = (int)shape[^2], width = (int)shape[^1];
        return TextBoxes.Find(y[0].GetTensorDataAsSpan<float>(), height, width, scale: 1, width, height);
    }

    public void Dispose() => _session.Dispose();

    /// <summary>
    /// Pages no build has seen: the given text-line images pasted at their own size, one under the other with a
    /// margin, onto light paper of <paramref name="height"/> × <paramref name="width"/>, then normalized as
    /// <paramref name="p"/> says (its resize is ignored: the page already has the input's size). Deterministic.
    /// </summary>
    public static Onnx.Protos.TensorProto Page(string inputName, IReadOnlyList<string> lines, int height, int width, ImagePreprocessing p, int left = 24, int gap = 36)
    {
        var rgb = new byte[height * width * 3];
        Array.Fill(rgb, (byte)236);
        var y = gap;
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            var image = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(line), StbImageSharp.ColorComponents.RedGreenBlue);
            var x0 = left + 16 * (i % 3);
            for (var r = 0; r < image.Height && y + r < height; r++)
            {
                for (var c = 0; c < image.Width && x0 + c < width; c++)
                {
                    for (var ch = 0; ch < 3; ch++) rgb[((y + r) * width + x0 + c) * 3 + ch] = image.Data[(r * image.Width + c) * 3 + ch];
                }
            }

            y += image.Height + gap;
        }

        var data = new float[3 * height * width];
        for (var i = 0; i < height * width; i++)
        {
            for (var ch = 0; ch < 3; ch++)
            {
                var v = rgb[i * 3 + (p.Channels == "bgr" ? 2 - ch : ch)];
                data[ch * height * width + i] = (v * p.Scale - p.Mean[ch]) / p.Std[ch];
            }
        }

        return Onnx.Graph.Tensors.FromFloats(inputName, data, 1, 3, height, width);
    }

    public string InputName => _session.InputMetadata.Keys.First();

    /// <summary>The worst IoU of a reference box with its best-overlapping candidate box (1 for no reference box).</summary>
    public static double WorstIou(IReadOnlyList<TextBox> reference, IReadOnlyList<TextBox> candidate) =>
        reference.Count == 0 ? 1 : reference.Min(r => candidate.Select(c => Iou(r.Corners, c.Corners)).DefaultIfEmpty(0).Max());

    /// <summary>Intersection over union of two convex quadrilaterals (Sutherland–Hodgman clipping, shoelace areas), as compare-detections.cs.</summary>
    public static double Iou(Vector2[] a, Vector2[] b)
    {
        double intersection = Area(Clip(a, b));
        double union = Area(a) + Area(b) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    private static List<Vector2> Clip(Vector2[] subject, Vector2[] clip)
    {
        var output = subject.ToList();
        double orientation = Math.Sign(SignedArea(clip));
        for (int i = 0; i < clip.Length && output.Count > 0; i++)
        {
            Vector2 edgeStart = clip[i], edgeEnd = clip[(i + 1) % clip.Length];
            bool Inside(Vector2 p) => orientation * Cross(edgeEnd - edgeStart, p - edgeStart) >= 0;
            var input = output;
            output = [];
            for (int j = 0; j < input.Count; j++)
            {
                Vector2 current = input[j], previous = input[(j + input.Count - 1) % input.Count];
                if (Inside(current) != Inside(previous)) output.Add(Intersect(previous, current, edgeStart, edgeEnd));
                if (Inside(current)) output.Add(current);
            }
        }

        return output;
    }

    private static Vector2 Intersect(Vector2 p1, Vector2 p2, Vector2 q1, Vector2 q2)
    {
        Vector2 r = p2 - p1, s = q2 - q1;
        float t = Cross(q1 - p1, s) / Cross(r, s);
        return p1 + t * r;
    }

    private static float Cross(Vector2 a, Vector2 b) => a.X * b.Y - a.Y * b.X;

    private static double SignedArea(IReadOnlyList<Vector2> polygon)
    {
        double sum = 0;
        for (int i = 0; i < polygon.Count; i++) sum += Cross(polygon[i], polygon[(i + 1) % polygon.Count]);
        return sum / 2;
    }

    private static double Area(IReadOnlyList<Vector2> polygon) => Math.Abs(SignedArea(polygon));
}
