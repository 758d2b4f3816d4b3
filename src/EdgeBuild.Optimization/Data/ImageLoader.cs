using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using StbImageSharp;

namespace EdgeBuild.Optimization.Data;

/// <summary>Decodes PNG/JPEG files and turns them into a [1, C, H, W] (or [1, H, W, C]) float tensor.</summary>
public static class ImageLoader
{
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp" };

    public static TensorProto Load(string path, string inputName, ImagePreprocessing p)
    {
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw new OptimizationInputException(DiagnosticCodes.Samples, path, $"the image cannot be decoded ({e.Message})", "Use PNG or JPEG files", e);
        }

        var (h, w) = p.TargetSize(image.Height, image.Width);
        var (contentH, contentW) = p.ContentSize(image.Height, image.Width);
        var resized = ResizeBilinear(image.Data, image.Height, image.Width, contentH, contentW);
        var c = p.ChannelCount;
        var data = new float[c * h * w]; // letterbox padding stays 0, the normalized mean colour
        for (var y = 0; y < contentH; y++)
        {
            for (var x = 0; x < contentW; x++)
            {
                var src = (y * contentW + x) * 3;
                for (var ch = 0; ch < c; ch++)
                {
                    float v = c == 1
                        ? 0.299f * resized[src] + 0.587f * resized[src + 1] + 0.114f * resized[src + 2]
                        : resized[src + (p.Channels == "bgr" ? 2 - ch : ch)];
                    var mean = p.Mean.Length == 1 ? p.Mean[0] : p.Mean[ch];
                    var std = p.Std.Length == 1 ? p.Std[0] : p.Std[ch];
                    var normalized = (v * p.Scale - mean) / std;
                    var index = p.Layout == "nchw" ? (ch * h + y) * w + x : (y * w + x) * c + ch;
                    data[index] = normalized;
                }
            }
        }

        return p.Layout == "nchw" ? Tensors.FromFloats(inputName, data, 1, c, h, w) : Tensors.FromFloats(inputName, data, 1, h, w, c);
    }

    /// <summary>Bilinear resize of interleaved RGB bytes to floats (pixel-center aligned, like OpenCV's INTER_LINEAR).</summary>
    private static float[] ResizeBilinear(byte[] rgb, int h, int w, int outH, int outW)
    {
        var result = new float[outH * outW * 3];
        var sy = (double)h / outH;
        var sx = (double)w / outW;
        for (var y = 0; y < outH; y++)
        {
            var fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, h - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, h - 1);
            var wy = (float)(fy - y0);
            for (var x = 0; x < outW; x++)
            {
                var fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, w - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, w - 1);
                var wx = (float)(fx - x0);
                for (var ch = 0; ch < 3; ch++)
                {
                    float a = rgb[(y0 * w + x0) * 3 + ch], b = rgb[(y0 * w + x1) * 3 + ch];
                    float c = rgb[(y1 * w + x0) * 3 + ch], d = rgb[(y1 * w + x1) * 3 + ch];
                    result[(y * outW + x) * 3 + ch] = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy;
                }
            }
        }

        return result;
    }
}
