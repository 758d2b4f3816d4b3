// Reads the text of an image with PP-OCR's three models: the text detector, the direction classifier and the
// recognizer. The <EdgeModel> items in TextDetection.csproj optimize each for the Raspberry Pi 5 at build time and
// generate the TextDetector, DirectionClassifier and TextRecognizer classes used here (OcrPipeline.cs).
//
//   dotnet run -c Release -- [image.png] [--float] [--out boxes.png] [--json] [--dump-map map.bin] [--runs N] [--threads N]
using System.Runtime.InteropServices;
using System.Text.Json;
using StbImageSharp;
using TextDetection;

SampleOptions options;
ImageResult image;
string? floatModels;
try
{
    options = SampleOptions.Parse(args);
    image = DetectorInput.LoadRgb(options.ImagePath);
    floatModels = options.Float ? OriginalModels.RequireFolder() : null;
}
catch (Exception e) when (e is ArgumentException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}\n{SampleOptions.Usage}");
    return 2;
}

using var runDurations = new RunDurations();
using var ocr = new OcrPipeline(floatModels, options.Threads);

// The first read pays for ONNX Runtime's one-time setup: with more than one run it is left out of the timings.
List<TextLine> detections = [];
var times = new List<StageTimes>();
for (int run = 0; run < options.Runs; run++)
{
    (detections, var time) = ocr.Read(image);
    if (run > 0 || options.Runs == 1) times.Add(time);
}

var lines = detections.Where(d => d.IsText).ToList();

double Median(Func<StageTimes, double> stage) => times.Select(stage).Order().ElementAt(times.Count / 2);
var latency = new { detector = Median(t => t.Detector), classifier = Median(t => t.Classifier), recognizer = Median(t => t.Recognizer), total = Median(t => t.Total) };
var models = ModelFiles.Describe(floatModels);
if (options.DumpMapPath is { } dumpPath) File.WriteAllBytes(dumpPath, MemoryMarshal.AsBytes(ocr.Map).ToArray());
if (options.OutPath is { } outPath) BoxDrawing.SavePng(image, lines.Select(l => l.Box), outPath);

if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        image = options.ImagePath,
        width = image.Width,
        height = image.Height,
        lines = lines.Select(l => new { text = l.Text, score = l.Score, rotated = l.Rotated, boxScore = l.Box.Score, corners = Corners(l.Box) }),
        // Every box the detector found, text or not: compare-detections.cs matches them with another run's.
        boxes = detections.Select(d => new { score = d.Box.Score, corners = Corners(d.Box), text = d.IsText }),
        latencyMs = latency,
        runs = options.Runs,
        models = models.Select(m => new { m.Name, m.Bytes, m.Precision, m.FloatBytes }),
        modelBytes = models.Sum(m => m.Bytes),
        floatModelBytes = models.All(m => m.FloatBytes is not null) ? models.Sum(m => m.FloatBytes) : null,
        precision = floatModels is null ? string.Join(",", models.Select(m => m.Precision)) : "float32",
    }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    return 0;
}

int unread = detections.Count - lines.Count;
Console.WriteLine($"{Path.GetFileName(options.ImagePath)} ({image.Width}×{image.Height}): {lines.Count} lines" +
                  (unread > 0 ? $" and {unread} box(es) whose reading scored under {TextLine.MinScore}, not text" : "") + (floatModels is null ? "" : " (float32 models)"));
foreach (var line in lines)
{
    Console.WriteLine($"  {line.Text}");
    Console.WriteLine($"      text score {line.Score:F3}{(line.Rotated ? ", turned 180°" : "")}; box {string.Join(" ", line.Box.Corners.Select(c => $"({c.X},{c.Y})"))} score {line.Box.Score:F2}");
}

Console.WriteLine($"latency (median of {times.Count} run(s) on this machine, {Environment.ProcessorCount} cores, pre/post-processing included): " +
                  $"detector {latency.detector:F1} ms, classifier {latency.classifier:F1} ms, recognizer {latency.recognizer:F1} ms ({detections.Count} boxes), total {latency.total:F1} ms");
Console.WriteLine($"  the runtime's {EdgeBuild.Runtime.EdgeRuntimeTelemetry.RunDuration} for the detector's Run(): " +
                  (runDurations.Median(nameof(TextDetector)) is { } ms ? $"{ms:F1} ms" : "off"));
Console.WriteLine("models:");
foreach (var m in models)
{
    Console.WriteLine($"  {m.Name}: {m.Precision}, {m.Bytes / 1e6:F2} MB" + (m.FloatBytes is { } f && floatModels is null ? $" ({(double)m.Bytes / f:F3}× float32's {f / 1e6:F2} MB)" : ""));
}

long total = models.Sum(m => m.Bytes);
Console.WriteLine($"  together: {total / 1e6:F2} MB" + (floatModels is null && models.All(m => m.FloatBytes is not null)
    ? $", {(double)total / models.Sum(m => m.FloatBytes!.Value):F3}× the float32 models' {models.Sum(m => m.FloatBytes!.Value) / 1e6:F2} MB"
    : ""));
if (options.OutPath is not null) Console.WriteLine($"boxes drawn: {options.OutPath}");
return 0;

static IEnumerable<float[]> Corners(TextBox box) => box.Corners.Select(c => new[] { c.X, c.Y });
