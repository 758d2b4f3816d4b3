using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Benchmarking;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// The calibrated build of a model whose computation lives inside If bodies (Silero VAD legacy: 18 Convs and 2 LSTMs
/// inside the sample-rate branch, weights in the main graph). Calibration samples are real speech windows with the
/// recurrent state the float model carried into them (a folder per window: input, sr, h, c), from clips disjoint from
/// the held-out ones; the result is measured on held-out speech the way its users run it (state carried window to window).
/// </summary>
public sealed class SileroCalibratedTests(ITestOutputHelper output)
{
    /// <summary>Every <c>stride</c>-th window of <paramref name="clips"/>, each with the state the float model carried into it.</summary>
    internal static string WriteWindows(string folder, byte[] model, string[] clips, int stride)
    {
        var speech = SileroVad.Speech(clips);
        var outputs = SileroVad.Run(model, speech);
        for (var w = 0; w < outputs.Count; w += stride)
        {
            var sample = Directory.CreateDirectory(Path.Combine(folder, $"w{w:D4}")).FullName;
            Npy.Write(Path.Combine(sample, "input.npy"), speech[(w * SileroVad.Window)..((w + 1) * SileroVad.Window)], 1, SileroVad.Window);
            File.WriteAllBytes(Path.Combine(sample, "sr.pb"), Tensors.FromInt64s("sr", [16000]).ToByteArray());
            Npy.Write(Path.Combine(sample, "h.npy"), w == 0 ? new float[128] : outputs[w - 1]["hn"], 2, 1, 64);
            Npy.Write(Path.Combine(sample, "c.npy"), w == 0 ? new float[128] : outputs[w - 1]["cn"], 2, 1, 64);
        }

        return folder;
    }

    /// <summary>
    /// Measured (x64-vnni, 30 dB): quantized bodies give hn 8.3 dB on the build's validation windows (the LSTM state
    /// amplifies the Conv features' rounding), int8 weights with float activations 27.3 dB: both miss, so the bodies keep
    /// float activations on int8 weights and the accuracy fallback, which ranks body places too, keeps the weights float
    /// that the budget needs. At a 25 dB budget the int8-weights form is kept as it is (0.291x, held-out output 39.3 / hn 24.8 / cn 34.4 dB).
    /// </summary>
    [Theory]
    [InlineData(30.0)]
    [InlineData(25.0)]
    public void Calibrated_legacy_vad_quantizes_inside_its_if_bodies_where_faster_and_keeps_the_budget_on_held_out_speech(double minSqnrDb)
    {
        using var dir = new TempDir();
        var original = File.ReadAllBytes(TestAssets.SileroVadLegacy);
        var calibration = WriteWindows(dir.File("cal"), original, SpeechEmbeddingSamples.CalibrationClips, stride: 3);
        var result = ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = TestAssets.SileroVadLegacy,
            OutputPath = dir.File("vad.onnx"),
            TargetId = "x64-vnni",
            Precision = "int8",
            CalibrationData = calibration,
            MinSqnrDb = minSqnrDb,
        });

        var optimized = File.ReadAllBytes(result.OutputPath);
        var speech = SileroVad.Speech(SpeechEmbeddingSamples.ValidationClips);
        var heldOut = SileroVad.Compare(SileroVad.Run(original, speech), SileroVad.Run(optimized, speech));
        var decision = result.Notes.Single(n => n.Contains("inside If/Loop/Scan bodies", StringComparison.Ordinal));
        var latency = Latency(original, optimized, speech);
        output.WriteLine($"legacy calibrated (x64-vnni, {minSqnrDb} dB): {result.SizeRatio:F3}x size; held-out " + string.Join(", ", heldOut.Values.Select(c => $"{c.Name} {c.SqnrDb:F1} dB"))
            + $"; latency {latency.MedianRatio:F3}x fp32 ({latency.Pairs} interleaved pairs, 1 thread); {decision}");
        foreach (var note in result.Notes.Where(n => n.StartsWith("accuracy fallback", StringComparison.Ordinal) || n.StartsWith("largest", StringComparison.Ordinal) || n.StartsWith("every activation", StringComparison.Ordinal)))
            output.WriteLine(note);

        // Which form the bodies keep is measured, not assumed; the build says which and why, and the budget holds on speech it never saw.
        Assert.Matches("bodies (quantized|kept float)", decision);
        // The LSTMs have no integer kernel: compress-remaining-weights stores their weights int8 (measured 0.291x at 25 dB,
        // 0.327x at 30; 0.716x and 0.752x while they stayed float32, larger than the one line's 0.313x).
        Assert.Contains(result.Notes, n => n.Contains("no integer kernel reads", StringComparison.Ordinal) && n.Contains(" stored int8 ", StringComparison.Ordinal));
        Assert.True(result.SizeRatio <= 0.35, $"size ratio {result.SizeRatio:F3}");
        // Held-out speech, not the build's validation windows: up to 3 dB under the budget is the spread between clips.
        foreach (var c in heldOut.Values) Assert.True(c.SqnrDb >= minSqnrDb - 3, $"output {c.Name} at {c.SqnrDb:F1} dB on held-out speech");
        File.WriteAllBytes(dir.File("checked.onnx"), optimized);
        var (exit, text) = OnnxChecker.Run([dir.File("checked.onnx")]);
        Assert.True(exit == 0, text);
    }

    private static BenchmarkResult Latency(byte[] original, byte[] optimized, float[] speech)
    {
        var samples = Enumerable.Range(0, 8).Select(w => new Sample($"window {w}", [
            new SampleInput("input", Tensors.FromFloats("input", speech.AsSpan(w * SileroVad.Window, SileroVad.Window), 1, SileroVad.Window)),
            new SampleInput("sr", Tensors.FromInt64s("sr", [16000])),
            new SampleInput("h", Tensors.FromFloats("h", new float[128], 2, 1, 64)),
            new SampleInput("c", Tensors.FromFloats("c", new float[128], 2, 1, 64)),
        ])).ToList();
        SessionOptions Options() => new() { IntraOpNumThreads = 1 };
        return PairedBenchmark.Run(original, optimized, samples, Options, Options, iterations: 40);
    }
}
