using System.Diagnostics;
using System.Numerics;
using EdgeBuild.Runtime;
using StbImageSharp;

namespace TextDetection;

/// <summary>One box the detector found and what the recognizer read in it: text and score, the box (corners in image pixels, detector score).</summary>
public sealed record TextLine(string Text, float Score, TextBox Box, bool Rotated)
{
    // PaddleOCR's drop_score: a reading less sure than this is not text (page.png's bottom edge cuts a line off, and what
    // is left of it reads "ERE" at 0.47 in float32, "FE" at 0.17 in int8). The box stays a detection.
    public const float MinScore = 0.5f;

    public bool IsText => Score >= MinScore;
}

/// <summary>Milliseconds each stage took on one image, its pre- and post-processing included.</summary>
public sealed record StageTimes(double Detector, double Classifier, double Recognizer)
{
    public double Total => Detector + Classifier + Recognizer;
}

/// <summary>
/// PP-OCR's pipeline over the three generated classes: detect text boxes, cut each line out upright, recognize it, and
/// where the direction classifier says it is upside down, recognize it turned 180° too and keep the surer reading.
/// </summary>
public sealed class OcrPipeline : IDisposable
{
    // PaddleOCR's cls_thresh: a line is turned only when the classifier is this sure it is upside down.
    private const float RotateThreshold = 0.9f;

    private readonly TextDetector _detector;
    private readonly DirectionClassifier _classifier;
    private readonly TextRecognizer _recognizer;
    private readonly CtcDecoder _decoder;

    /// <param name="floatModels">A folder with the original float32 models to run through the same classes, or null for the built ones.</param>
    public OcrPipeline(string? floatModels, int? threads)
    {
        // Session settings come from the rpi5 profile; threads is the one override that differs on the host at hand.
        // The hash check proves a file is the one built with the app, so it is off only for the originals.
        var options = new EdgeSessionOptions { IntraOpThreads = threads, VerifyModelHash = floatModels is null };
        _detector = floatModels is null ? TextDetector.Create(options) : TextDetector.Create(Path.Combine(floatModels, OriginalModels.Detector), options);
        _classifier = floatModels is null ? DirectionClassifier.Create(options) : DirectionClassifier.Create(Path.Combine(floatModels, OriginalModels.Classifier), options);
        _recognizer = floatModels is null ? TextRecognizer.Create(options) : TextRecognizer.Create(Path.Combine(floatModels, OriginalModels.Recognizer), options);
        _decoder = CtcDecoder.Load(Path.Combine(AppContext.BaseDirectory, "ppocr_keys_v1.txt"));
    }

    /// <summary>The detector's probability map of the last <see cref="Read"/>.</summary>
    public ReadOnlySpan<float> Map => _detector.Outputs.Sigmoid0Tmp0;

    /// <returns>Every box the detector found, in reading order, with what was read in it (<see cref="TextLine.IsText"/> says whether it is text).</returns>
    public (List<TextLine> Lines, StageTimes Times) Read(ImageResult image)
    {
        long start = Stopwatch.GetTimestamp();
        var boxes = Detect(image);
        double detector = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        start = Stopwatch.GetTimestamp();
        var upright = boxes.Select(b => LineInput.Upright(b.Corners)).ToList();
        var rotated = upright.Select(c => IsUpsideDown(image, c)).ToList();
        double classifier = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        start = Stopwatch.GetTimestamp();
        var lines = boxes.Select((box, i) =>
        {
            var (text, score) = Recognize(image, upright[i]);
            if (!rotated[i]) return new TextLine(text, score, box, false);
            // The classifier's "180" can be a close call (page.png's fifth line: 0.88 in float32, just over 0.9 in int8), and
            // a line read upside down is garbage: read it both ways and keep the more confident reading.
            var (turnedText, turnedScore) = Recognize(image, LineInput.Rotated180(upright[i]));
            return turnedScore > score ? new TextLine(turnedText, turnedScore, box, true) : new TextLine(text, score, box, false);
        }).ToList();
        double recognizer = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        return (lines, new StageTimes(detector, classifier, recognizer));
    }

    private List<TextBox> Detect(ImageResult image)
    {
        int height = (int)TextDetector.InputTensors.XShape[2], width = (int)TextDetector.InputTensors.XShape[3];
        float scale = DetectorInput.Letterbox(image, _detector.Inputs.X, height, width);
        _detector.Run();
        return TextBoxes.Find(_detector.Outputs.Sigmoid0Tmp0, height, width, scale, image.Width, image.Height);
    }

    // The classifier reads a 48×192 crop (wider lines are squeezed into it, as in PaddleOCR): labels "0" and "180".
    private bool IsUpsideDown(ImageResult image, Vector2[] corners)
    {
        LineInput.Write(image, corners, _classifier.Inputs.X, (int)DirectionClassifier.InputTensors.XShape[3]);
        _classifier.Run();
        var p = _classifier.Outputs.Softmax0Tmp0;
        return p[1] > p[0] && p[1] > RotateThreshold;
    }

    // Lines vary in width and squeezing a long line into a short input garbles it, so the width follows the line, in
    // fixed buckets: up to 320 pixels (PP-OCR's usual 3×48×320, most lines of a photo) the preallocated buffers of the
    // generated class, allocation-free; wider lines use the allocating path (RunDynamic) at the next multiple of 320,
    // so a page of similar lines runs a handful of shapes, and the padding is at most 320 pixels (PaddleOCR pads a
    // batch to its widest line the same way).
    private (string Text, float Score) Recognize(ImageResult image, Vector2[] corners)
    {
        int bucket = (int)TextRecognizer.InputTensors.XShape[3];
        int width = LineInput.ScaledWidth(corners);
        if (width <= bucket)
        {
            LineInput.Write(image, corners, _recognizer.Inputs.X, bucket);
            _recognizer.Run();
            return _decoder.Decode(_recognizer.Outputs.Softmax11Tmp0, (int)TextRecognizer.OutputTensors.Softmax11Tmp0Shape[1]);
        }

        int wide = (width + bucket - 1) / bucket * bucket;
        var input = new float[3 * LineInput.Height * wide];
        LineInput.Write(image, corners, input, wide);
        var outputs = _recognizer.RunDynamic(input, [1, 3, LineInput.Height, wide]);
        return _decoder.Decode(outputs.Softmax11Tmp0, (int)outputs.Softmax11Tmp0Shape[1]);
    }

    public void Dispose()
    {
        _detector.Dispose();
        _classifier.Dispose();
        _recognizer.Dispose();
    }
}
