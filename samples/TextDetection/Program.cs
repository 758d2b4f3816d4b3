// Finds text in an image with the PP-OCRv4 text detector. The <EdgeModel> item in TextDetection.csproj quantizes
// the detector for the Raspberry Pi 5 at build time and generates the TextDetector class used here.
//
//   dotnet run -c Release -- [image.png] [--out boxes.png] [--json] [--dump-map map.bin] [--runs N]
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using StbImageSharp;
using TextDetection;

var options = SampleOptions.Parse(args);
var image = ImageResult.FromMemory(File.ReadAllBytes(options.ImagePath), StbImageSharp.ColorComponents.RedGreenBlue);

using var detector = TextDetector.Create(); // device session settings, buffers preallocated for the declared Dims
int height = (int)TextDetector.InputTensors.XShape[2], width = (int)TextDetector.InputTensors.XShape[3];
float scale = DetectorInput.Letterbox(image, detector.Inputs.X, height, width);

// The first run pays for ONNX Runtime's one-time setup; time the ones after it.
detector.Run();
var times = new List<double>();
for (int i = 0; i < options.Runs; i++)
{
    long start = Stopwatch.GetTimestamp();
    detector.Run();
    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

ReadOnlySpan<float> map = detector.Outputs.Sigmoid0Tmp0;
var boxes = TextBoxes.Find(map, height, width, scale, image.Width, image.Height);

double latencyMs = times.Order().ElementAt(times.Count / 2);
long modelBytes = new FileInfo(Path.Combine(AppContext.BaseDirectory, TextDetector.ModelFileName)).Length;
if (options.DumpMapPath is { } dumpPath) File.WriteAllBytes(dumpPath, MemoryMarshal.AsBytes(map).ToArray());
if (options.OutPath is { } outPath) BoxDrawing.SavePng(image, boxes, outPath);

if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        image = options.ImagePath,
        width = image.Width,
        height = image.Height,
        latencyMs,
        modelBytes,
        precision = TextDetector.ModelInfo.Precision,
        boxes = boxes.Select(b => new { score = b.Score, corners = b.Corners.Select(c => new[] { c.X, c.Y }) }),
    }));
    return;
}

Console.WriteLine($"{Path.GetFileName(options.ImagePath)} ({image.Width}×{image.Height}): {boxes.Count} text boxes");
foreach (var box in boxes)
{
    Console.WriteLine($"  {string.Join(" ", box.Corners.Select(c => $"({c.X},{c.Y})"))}  score {box.Score:F2}");
}

Console.WriteLine($"latency: {latencyMs:F1} ms (median of {options.Runs} runs, {Environment.ProcessorCount} cores)");
Console.WriteLine($"model: {TextDetector.ModelFileName}, {TextDetector.ModelInfo.Precision} for {TextDetector.ModelInfo.Target}, {modelBytes / 1024.0 / 1024.0:F2} MB");
if (options.OutPath is not null) Console.WriteLine($"boxes drawn: {options.OutPath}");
