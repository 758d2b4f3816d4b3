// Finds text in an image with the PP-OCRv4 text detector. The <EdgeModel> item in TextDetection.csproj quantizes
// the detector for the Raspberry Pi 5 at build time and generates the TextDetector class used here.
//
//   dotnet run -c Release -- [image.png] [--out boxes.png] [--json] [--dump-map map.bin] [--runs N] [--threads N] [--model other.onnx]
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeBuild.Runtime;
using StbImageSharp;
using TextDetection;

SampleOptions options;
ImageResult image;
try
{
    options = SampleOptions.Parse(args);
    image = DetectorInput.LoadRgb(options.ImagePath);
}
catch (Exception e) when (e is ArgumentException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}\n{SampleOptions.Usage}");
    return 2;
}

// Session settings come from the rpi5 profile (threads, spinning, ...); override what differs on the host at hand.
// --model runs another file with the same inputs and outputs through the same class, e.g. the original float32
// detector to compare with: only then is the check that the file is the one built with the app turned off.
var sessionOptions = new EdgeSessionOptions { IntraOpThreads = options.Threads, VerifyModelHash = options.ModelPath is null };
using var detector = options.ModelPath is null
    ? TextDetector.Create(sessionOptions) // TextDetector.onnx next to the app; buffers preallocated for the declared Dims
    : TextDetector.Create(options.ModelPath, sessionOptions);
int height = (int)TextDetector.InputTensors.XShape[2], width = (int)TextDetector.InputTensors.XShape[3];
float scale = DetectorInput.Letterbox(image, detector.Inputs.X, height, width);

// The first run pays for ONNX Runtime's one-time setup; time the ones after it, with a Stopwatch and with the
// runtime's own measurements (its EdgeBuild.Runtime meter, what dotnet-counters shows): both should agree.
detector.Run();
var times = new List<double>();
using var runDurations = new RunDurations();
for (int i = 0; i < options.Runs; i++)
{
    long start = Stopwatch.GetTimestamp();
    detector.Run();
    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

ReadOnlySpan<float> map = detector.Outputs.Sigmoid0Tmp0;
var boxes = TextBoxes.Find(map, height, width, scale, image.Width, image.Height);

double latencyMs = times.Order().ElementAt(times.Count / 2);
double? runtimeLatencyMs = runDurations.Milliseconds.Count == 0 ? null : runDurations.Milliseconds.Order().ElementAt(runDurations.Milliseconds.Count / 2);
long modelBytes = new FileInfo(options.ModelPath ?? Path.Combine(AppContext.BaseDirectory, TextDetector.ModelFileName)).Length;
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
        runtimeLatencyMs,
        modelBytes,
        model = options.ModelPath ?? TextDetector.ModelFileName,
        precision = options.ModelPath is null ? TextDetector.ModelInfo.Precision : null, // what the build made; unknown for --model
        boxes = boxes.Select(b => new { score = b.Score, corners = b.Corners.Select(c => new[] { c.X, c.Y }) }),
    }));
    return 0;
}

Console.WriteLine($"{Path.GetFileName(options.ImagePath)} ({image.Width}×{image.Height}): {boxes.Count} text boxes");
foreach (var box in boxes)
{
    Console.WriteLine($"  {string.Join(" ", box.Corners.Select(c => $"({c.X},{c.Y})"))}  score {box.Score:F2}");
}

Console.WriteLine($"latency: {latencyMs:F1} ms (median of {options.Runs} runs on this machine, {Environment.ProcessorCount} cores; " +
                  $"the runtime's {EdgeRuntimeTelemetry.RunDuration}: {(runtimeLatencyMs is { } ms ? $"{ms:F1} ms" : "off")})");
Console.WriteLine($"session: {detector.EffectiveSettings}");
Console.WriteLine(options.ModelPath is null
    ? $"model: {TextDetector.ModelFileName}, {TextDetector.ModelInfo.Precision} for {TextDetector.ModelInfo.Target}, {modelBytes / 1024.0 / 1024.0:F2} MB"
    : $"model: {options.ModelPath}, {modelBytes / 1024.0 / 1024.0:F2} MB");
if (options.OutPath is not null) Console.WriteLine($"boxes drawn: {options.OutPath}");
return 0;
