using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// Issue 16, acceptance 2: the PP-OCRv4 detector built for rpi5 as the OCR sample builds it (int8 at 480x640, calibrated
/// on det-cal, validated on det-val) with the sample's budget <c>agreement@0.3 &gt;= 99.9%</c> finds float32's boxes, by
/// the sample's own post-processing (same count, IoU &gt;= 0.9 each), on the held-out det-val pages and on text no build
/// saw: the 16 rendered text lines (ppocr-split/line-crops, which only the classifier and recognizer items validate on)
/// and pages made of those lines at their own size. Looser budgets do not (docs/optimization.md, acceptance 2 at
/// 480x640): <c>iou@0.3 &gt;= 99%</c> with the latency step, 0.59-0.65x fp32, moves one box of the page of lines 9-12 to
/// IoU 0.868; <c>agreement@0.3 &gt;= 99.7%</c> adds a box to page.png.
/// </summary>
public class DetectorBoxesTests
{
    internal const string Preprocess = "resize=letterbox:480x640;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw";

    internal static OptimizeResult Build(TempDir dir, string accuracy, bool latencyCost = false, string name = "det") => ModelOptimizer.Optimize(new OptimizeRequest
    {
        ModelPath = TestAssets.Detector,
        OutputPath = dir.File(name + ".onnx"),
        TargetId = "rpi5",
        Precision = "int8",
        Dims = new Dictionary<string, long> { ["N"] = 1, ["H"] = 480, ["W"] = 640 },
        CalibrationData = dir.File("det-cal"),
        ValidationData = dir.File("det-val"),
        Preprocess = Preprocess,
        Accuracy = accuracy,
        FallbackLatencyCost = latencyCost,
    });

    /// <summary>Each image (or page) where the int8 boxes differ from float32's: count or worst IoU.</summary>
    internal static List<string> BoxMismatches(string optimized, double minIou = 0.9)
    {
        var p = ImagePreprocessing.Parse(Preprocess);
        using var reference = new DetectorBoxes(File.ReadAllBytes(TestAssets.Detector));
        using var candidate = new DetectorBoxes(File.ReadAllBytes(optimized));
        var lines = Directory.GetFiles(Path.Combine(TestAssets.Root, "ppocr-split", "line-crops"), "*.png").Order(StringComparer.Ordinal).ToList();
        Assert.True(lines.Count >= 8, $"{lines.Count} rendered text lines under ppocr-split/line-crops (bash scripts/fetch-assets.sh)");
        var inputs = new List<(string Name, Onnx.Protos.TensorProto Input)>();
        foreach (var image in Directory.GetFiles(Path.Combine(TestAssets.Root, "ppocr-split", "det-val")).Where(f => ImageLoader.Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).Concat(lines))
            inputs.Add((Path.GetFileName(image), ImageLoader.Load(image, reference.InputName, p)));
        for (var k = 0; k * 4 < lines.Count; k++)
            inputs.Add(($"page of lines {k * 4 + 1}-{Math.Min(lines.Count, k * 4 + 4)}", DetectorBoxes.Page(reference.InputName, lines.Skip(k * 4).Take(4).ToList(), 480, 640, p)));

        var mismatches = new List<string>();
        foreach (var (name, input) in inputs)
        {
            var (a, b) = (reference.Find(input), candidate.Find(input));
            Assert.True(name.StartsWith("line", StringComparison.Ordinal) ? a.Count == 1 : a.Count >= 2, $"{name}: float32 finds {a.Count} boxes"); // the check has text to judge
            var iou = Math.Min(DetectorBoxes.WorstIou(a, b), DetectorBoxes.WorstIou(b, a));
            if (a.Count != b.Count || iou < minIou) mismatches.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {b.Count} boxes vs {a.Count}, worst IoU {iou:F3}"));
        }

        return mismatches;
    }

    // 1 min 40 s on the shared 2-core host under load (the fallback at 480x640, then 44 detector runs).
    [Fact]
    public void At_the_samples_budget_the_int8_detector_finds_float32s_boxes_on_text_no_build_saw()
    {
        using var dir = new TempDir();
        RealModelInt8Tests.MaterializeSplit(dir);

        var result = Build(dir, "sigmoid_0.tmp_0: agreement@0.3 >= 99.9%");

        Assert.True(result.SizeRatio <= 0.28, $"size ratio {result.SizeRatio:F3}");
        var mismatches = BoxMismatches(result.OutputPath);
        Assert.True(mismatches.Count == 0, string.Join("; ", mismatches));
    }
}
