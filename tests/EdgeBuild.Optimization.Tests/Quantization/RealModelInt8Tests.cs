using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// Static int8 on the real PP-OCR models with the pinned image split (scripts/ppocr-image-split.txt), no accuracy
/// fallback, checked on held-out images. The floors are what the quantizer reaches today (docs/optimization.md),
/// so a regression fails here; the acceptance targets of issue 8 are not all met yet (see the docs).
/// </summary>
public class RealModelInt8Tests
{
    internal const string DetectorPreprocess = "resize=fit:320:32;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw";
    internal const string ClassifierPreprocess = "resize=exact:48x192;channels=bgr;scale=1/255;mean=0.5,0.5,0.5;std=0.5,0.5,0.5;layout=nchw";

    /// <summary>Folders of links to the images of each set of the pinned split.</summary>
    internal static void MaterializeSplit(TempDir dir)
    {
        foreach (var line in File.ReadAllLines(Path.Combine(TestAssets.RepoRoot, "scripts", "ppocr-image-split.txt")))
        {
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var folder = Directory.CreateDirectory(dir.File(parts[0])).FullName;
            File.Copy(Path.Combine(TestAssets.ImagesDir, parts[1]), Path.Combine(folder, parts[1]));
        }
    }

    private static OptimizeResult Quantize(TempDir dir, string model, string set, string preprocess, double minSqnrDb = 0) => ModelOptimizer.Optimize(new OptimizeRequest
    {
        ModelPath = model,
        OutputPath = dir.File(set + ".onnx"),
        TargetId = "rpi5",
        Precision = "int8",
        CalibrationData = dir.File(set + "-cal"),
        ValidationData = dir.File(set + "-val"),
        Preprocess = preprocess,
        MinSqnrDb = minSqnrDb,
    });

    [Fact]
    public void Detector_int8_is_under_0_28x_with_fused_hard_swish_and_keeps_its_measured_accuracy_on_held_out_images()
    {
        using var dir = new TempDir();
        MaterializeSplit(dir);

        var result = Quantize(dir, TestAssets.Detector, "det", DetectorPreprocess);

        Assert.True(result.SizeRatio <= 0.28, $"size ratio {result.SizeRatio:F3}");
        var map = Assert.Single(result.Accuracy);
        // Measured 8.4 dB (probability map, bw_text + page at 320 px); the acceptance target of 30 dB is not met.
        Assert.True(map.SqnrDb >= 7.0, $"probability map SQNR {map.SqnrDb:F2} dB");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        Assert.Contains(model.Graph.Node, n => n.OpType == "HardSwish");
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Clip" or "Div");
    }

    [Fact]
    public void Classifier_int8_agrees_on_every_held_out_image_at_under_0_30x_and_ort_fuses_every_conv()
    {
        using var dir = new TempDir();
        MaterializeSplit(dir);

        var result = Quantize(dir, TestAssets.Classifier, "cls", ClassifierPreprocess);
        var again = Quantize(dir, TestAssets.Classifier, "cls", ClassifierPreprocess);

        // Issue 8, acceptance 2. Measured 0.299 (was 0.335 before the bias scales became Muls, zero points of 0
        // were left implicit, names were ranked by use and default attributes dropped).
        var output = Assert.Single(result.Accuracy);
        Assert.Equal(1.0, output.Top1Agreement);
        Assert.True(result.SizeRatio <= 0.30, $"size ratio {result.SizeRatio:F4}");
        Assert.Equal(result.Sha256, again.Sha256);
        // None of that costs a fusion: as the rpi5 session runs it, every Conv is a QLinearConv and no Mul of scales is left.
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        var ort = OrtOptimizedGraph.Of(model, int8Activations: true);
        var ops = ort.Node.Select(n => n.OpType).ToList();
        Assert.Equal(model.Graph.Node.Count(n => n.OpType == "Conv"), ops.Count(o => o == "QLinearConv"));
        Assert.DoesNotContain("Conv", ops);
        Assert.Contains(model.Graph.Node, n => n.OpType == "Mul" && n.Input.All(i => IsInitializer(model.Graph, i)));
        Assert.DoesNotContain(ort.Node, n => n.OpType == "Mul" && n.Input.All(i => IsInitializer(ort, i)));
    }

    private static bool IsInitializer(GraphProto graph, string name) => graph.Initializer.Any(t => t.Name == name);

    [Fact]
    public void Classifier_fallback_meets_a_30_db_budget_keeping_part_of_the_model_int8()
    {
        using var dir = new TempDir();
        MaterializeSplit(dir);

        var result = Quantize(dir, TestAssets.Classifier, "cls", ClassifierPreprocess, minSqnrDb: 30);

        var output = Assert.Single(result.Accuracy);
        Assert.True(output.SqnrDb >= 30, $"SQNR {output.SqnrDb:F2} dB");
        Assert.Equal(1.0, output.Top1Agreement);
        // Measured 0.288: activations back to float on int8 weights, no weight in float (0.666 when the fallback
        // returned whole nodes to float).
        Assert.True(result.SizeRatio <= 0.30, $"size ratio {result.SizeRatio:F3}");
        Assert.Contains(result.Notes, n => n.StartsWith("accuracy fallback kept", StringComparison.Ordinal));
        AssertEveryActivationPairIsFused(result);
    }

    [Fact]
    public void Detector_fallback_meets_a_30_db_budget_at_int8_size()
    {
        using var dir = new TempDir();
        MaterializeSplit(dir);

        var result = Quantize(dir, TestAssets.Detector, "det", DetectorPreprocess, minSqnrDb: 30);

        var map = Assert.Single(result.Accuracy);
        Assert.True(map.SqnrDb >= 30, $"probability map SQNR {map.SqnrDb:F2} dB");
        // Measured 0.263 at 320 px (activations float on int8 weights, no weight in float; 0.747 when the fallback
        // returned whole nodes to float). Issue 8's size target is 0.28.
        Assert.True(result.SizeRatio <= 0.28, $"size ratio {result.SizeRatio:F3}");
        Assert.Contains(result.Notes, n => n.StartsWith("accuracy fallback kept", StringComparison.Ordinal));
        AssertEveryActivationPairIsFused(result);
    }

    [Fact]
    public void Detector_fallback_keeps_the_weights_a_40_db_budget_needs_at_16_bits_not_32()
    {
        using var dir = new TempDir();
        MaterializeSplit(dir);

        var result = Quantize(dir, TestAssets.Detector, "det", DetectorPreprocess, minSqnrDb: 40);

        var map = Assert.Single(result.Accuracy);
        Assert.True(map.SqnrDb >= 40, $"probability map SQNR {map.SqnrDb:F2} dB");
        // Measured 0.359 at 320 px; the same float nodes with float32 weights gave 0.546.
        Assert.True(result.SizeRatio <= 0.40, $"size ratio {result.SizeRatio:F3}");
        Assert.Contains(result.Notes, n => n.StartsWith("accuracy fallback kept", StringComparison.Ordinal) && n.Contains("in float (their weights of 512+ values at 16 bits", StringComparison.Ordinal));
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        var castFromInt16 = model.Graph.Node.Where(n => n.OpType == "Cast" && model.Graph.Initializer.Any(t => t.Name == n.Input[0] && t.DataType == DType.Int16)).ToList();
        Assert.NotEmpty(castFromInt16);
        // Every Conv weight of 512+ values is integer: none stayed float32.
        var floatConvWeights = model.Graph.Node.Where(n => n.OpType == "Conv").Select(n => model.Graph.Initializer.FirstOrDefault(t => t.Name == n.Input[1]))
            .Where(t => t is { DataType: DType.Float } && t.Dims.Aggregate(1L, (a, d) => a * d) >= 512).Select(t => t!.Name).ToList();
        Assert.Empty(floatConvWeights);
    }

    /// <summary>
    /// The fallback's last step: no activation Q/DQ pair is left that ORT (with rpi5's session settings) fuses into no
    /// integer kernel; measured before that step, the detector at 30 dB (480×640) had 5, the classifier 2.
    /// </summary>
    private static void AssertEveryActivationPairIsFused(OptimizeResult result)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OutputPath));
        Assert.Empty(EdgeBuild.Optimization.Quantization.UnfusedActivationPairs.Find(OrtOptimizedGraph.Of(model, int8Activations: true)));
        Assert.Contains(result.Notes, n => n.Contains("activation Q/DQ pair(s) that ONNX Runtime fuses into no integer kernel removed", StringComparison.Ordinal));
    }
}
