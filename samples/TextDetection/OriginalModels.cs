using System.Reflection;

namespace TextDetection;

/// <summary>
/// The float32 models the build optimized (TextDetection.csproj records their folder in the assembly), for --float:
/// the same code on the originals is the baseline every figure of the sample is compared with.
/// </summary>
public static class OriginalModels
{
    public const string Detector = "ch_PP-OCRv4_det_infer.onnx";
    public const string Classifier = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    public const string Recognizer = "ch_PP-OCRv4_rec_infer.onnx";

    public static string Folder =>
        typeof(OriginalModels).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FloatModels").Value!;

    /// <summary>The folder, after checking the three files are there (a published app may run where they are not).</summary>
    public static string RequireFolder()
    {
        foreach (var file in new[] { Detector, Classifier, Recognizer })
        {
            string path = Path.Combine(Folder, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"--float needs the original model '{path}' (fetch it with: bash scripts/fetch-assets.sh).", path);
        }

        return Folder;
    }
}
