// Compares two runs of the TextDetection sample (its --json output and, optionally, its --dump-map file):
// the candidate must find as many boxes as the reference, each overlapping its reference box with IoU >= --min-iou,
// read the same text line for line (each line paired with the other run's line its box overlaps most; a line without a
// partner differs), and its probability map must be within --min-sqnr dB of the reference's.
//
//   dotnet run compare-detections.cs -- REFERENCE.json CANDIDATE.json [REFERENCE.bin CANDIDATE.bin] [--min-iou 0.9] [--min-sqnr 30]
//
// Prints one JSON line with the figures (and the differing lines); exits 0 when they hold, 1 when they don't, 2 on bad usage.
#:property PublishAot=false
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

var files = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || !args[i - 1].StartsWith("--"))).ToArray();
double minIou = Option("--min-iou", 0.9), minSqnr = Option("--min-sqnr", 30);
if (files.Length is not (2 or 4))
{
    Console.Error.WriteLine("usage: compare-detections.cs REFERENCE.json CANDIDATE.json [REFERENCE.bin CANDIDATE.bin] [--min-iou 0.9] [--min-sqnr 30]");
    return 2;
}

var reference = Boxes(files[0]);
var candidate = Boxes(files[1]);
// Pair each reference box with the candidate box it overlaps most; the worst pair decides.
double worstIou = reference.Count == 0 ? 1 : reference.Min(r => candidate.Select(c => Iou(r, c)).DefaultIfEmpty(0).Max());
double? sqnr = files.Length == 4 ? Sqnr(Map(files[2]), Map(files[3])) : null;
var referenceLines = Lines(files[0]);
var candidateLines = Lines(files[1]);
var referenceText = referenceLines.Select(l => l.Text).ToList();
// Line for line: each reference line against the candidate line whose box overlaps it most (one each, the largest overlaps
// first), so a line one run adds or drops, or a box that moves the reading order, is one difference, not a shifted tail.
var pairs = new List<(int Reference, int Candidate)>();
foreach (var (r, c, _) in referenceLines.SelectMany((rl, r) => candidateLines.Select((cl, c) => (r, c, iou: Iou(rl.Corners, cl.Corners))))
             .Where(p => p.iou > 0).OrderByDescending(p => p.iou).ThenBy(p => p.r).ThenBy(p => p.c))
{
    if (!pairs.Any(p => p.Reference == r || p.Candidate == c)) pairs.Add((r, c));
}

var differingLines = referenceLines.Select((l, i) => (line: (int?)i, reference: (string?)l.Text,
        candidate: pairs.Where(p => p.Reference == i).Select(p => (string?)candidateLines[p.Candidate].Text).FirstOrDefault()))
    .Concat(candidateLines.Select((l, i) => (i, l)).Where(x => !pairs.Any(p => p.Candidate == x.i)).Select(x => (line: (int?)null, reference: (string?)null, candidate: (string?)x.l.Text)))
    .Where(d => d.reference != d.candidate)
    .Select(d => new { d.line, d.reference, d.candidate })
    .ToList();
bool ok = reference.Count == candidate.Count && worstIou >= minIou && (sqnr is null || sqnr >= minSqnr) && differingLines.Count == 0;

Console.WriteLine(JsonSerializer.Serialize(new
{
    ok,
    referenceBoxes = reference.Count,
    candidateBoxes = candidate.Count,
    worstIou = Math.Round(worstIou, 4),
    sqnrDb = sqnr is { } db ? Math.Round(db, 2) : (double?)null,
    minIou,
    minSqnrDb = minSqnr,
    lines = referenceText.Count,
    sameText = differingLines.Count == 0,
    differingLines,
    text = referenceText,
}, new JsonSerializerOptions
{
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // identical maps: "Infinity"
    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // the text as text, not \uXXXX
}));
return ok ? 0 : 1;

double Option(string name, double fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;

static List<Vector2[]> Boxes(string jsonPath)
{
    using var doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
    return doc.RootElement.GetProperty("boxes").EnumerateArray()
        .Select(b => b.GetProperty("corners").EnumerateArray().Select(c => new Vector2(c[0].GetSingle(), c[1].GetSingle())).ToArray())
        .ToList();
}

// Each line's recognized string and box, in the run's reading order.
static List<(string Text, Vector2[] Corners)> Lines(string jsonPath)
{
    using var doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
    return doc.RootElement.GetProperty("lines").EnumerateArray()
        .Select(l => (l.GetProperty("text").GetString()!, l.GetProperty("corners").EnumerateArray().Select(c => new Vector2(c[0].GetSingle(), c[1].GetSingle())).ToArray()))
        .ToList();
}

static float[] Map(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

// Signal-to-quantization-noise ratio of the candidate against the reference, in dB.
static double Sqnr(float[] reference, float[] candidate)
{
    if (reference.Length != candidate.Length) throw new InvalidDataException($"Maps differ in length: {reference.Length} vs {candidate.Length} floats.");
    double signal = 0, noise = 0;
    for (int i = 0; i < reference.Length; i++)
    {
        signal += (double)reference[i] * reference[i];
        noise += ((double)reference[i] - candidate[i]) * ((double)reference[i] - candidate[i]);
    }

    return noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
}

// Intersection over union of two convex quadrilaterals (Sutherland–Hodgman clipping, shoelace areas).
static double Iou(Vector2[] a, Vector2[] b)
{
    double intersection = Area(Clip(a, b));
    double union = Area(a) + Area(b) - intersection;
    return union <= 0 ? 0 : intersection / union;
}

static List<Vector2> Clip(Vector2[] subject, Vector2[] clip)
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

static Vector2 Intersect(Vector2 p1, Vector2 p2, Vector2 q1, Vector2 q2)
{
    Vector2 r = p2 - p1, s = q2 - q1;
    float t = Cross(q1 - p1, s) / Cross(r, s);
    return p1 + t * r;
}

static float Cross(Vector2 a, Vector2 b) => a.X * b.Y - a.Y * b.X;

static double SignedArea(IReadOnlyList<Vector2> polygon)
{
    double sum = 0;
    for (int i = 0; i < polygon.Count; i++) sum += Cross(polygon[i], polygon[(i + 1) % polygon.Count]);
    return sum / 2;
}

static double Area(IReadOnlyList<Vector2> polygon) => Math.Abs(SignedArea(polygon));
