using EdgeBuild.Optimization.Data;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// Inputs for the M-LSD line detector from the pinned skimage photos: 320×320 RGB in NHWC with raw 0–255 values (the
/// model divides by 127.5 and subtracts 1 itself), plus M-LSD's constant fourth channel of ones, as in M-LSD's reference demo.
/// Written as .npy (one per sample) because the image preprocessing of `--preprocess` has no fourth channel.
/// Calibration and validation images are disjoint.
/// </summary>
internal static class MlsdSamples
{
    public const int Size = 320;

    public static readonly string[] CalibrationImages =
        ["astronaut.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "brick.png", "grass.png", "ihc.png", "retina.jpg", "camera.png", "coins.png", "page.png", "hubble_deep_field.jpg"];

    public static readonly string[] ValidationImages =
        ["chelsea.png", "motorcycle_right.png", "gravel.png", "text.png", "moon.png", "clock_motion.png", "cell.png", "color.png"];

    private static readonly ImagePreprocessing Preprocessing = ImagePreprocessing.Parse($"resize=exact:{Size}x{Size};channels=rgb;scale=1;mean=0,0,0;std=1,1,1;layout=nhwc");

    /// <summary>Writes one .npy per image into <paramref name="folder"/> and returns it.</summary>
    public static string Write(string folder, IEnumerable<string> images)
    {
        Directory.CreateDirectory(folder);
        foreach (var image in images)
        {
            var rgb = Onnx.Graph.Tensors.ToFloatArray(ImageLoader.Load(Path.Combine(TestAssets.ImagesDir, image), "x", Preprocessing));
            var rgba = new float[Size * Size * 4];
            for (var i = 0; i < Size * Size; i++)
            {
                rgba[i * 4] = rgb[i * 3];
                rgba[i * 4 + 1] = rgb[i * 3 + 1];
                rgba[i * 4 + 2] = rgb[i * 3 + 2];
                rgba[i * 4 + 3] = 1f;
            }

            Support.Npy.Write(Path.Combine(folder, Path.GetFileNameWithoutExtension(image) + ".npy"), rgba, 1, Size, Size, 4);
        }

        return folder;
    }
}
