using System.Security.Cryptography;
using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime.Tests;

/// <summary>The generated wrapper on the real PP-OCRv4 detector (fp32, 1×3×640×640), against raw ONNX Runtime.</summary>
public sealed class DetectorWrapperTests
{
    /// <summary>Two threads on the shared 2-core test machine, no spinning; the manifest's rpi5 profile asks for four.</summary>
    internal static EdgeSessionOptions HostOptions() => new() { IntraOpThreads = 2, AllowSpinning = false };

    [Fact]
    public void Outputs_equal_raw_onnx_runtime_outputs_on_a_real_scan()
    {
        var input = DetectorInput.Page(640, 640);
        using var detector = TextDetector.Create(TestAssets.Detector, HostOptions());
        input.CopyTo(detector.Inputs.X);
        detector.Run();

        using var options = EdgeSessionFactory.CreateSessionOptions(TextDetector.ModelInfo.Session, HostOptions(), out _);
        using var raw = new InferenceSession(TestAssets.Detector, options);
        using var x = OrtValue.CreateTensorValueFromMemory(input, new long[] { 1, 3, 640, 640 });
        using var results = raw.Run(new RunOptions(), new[] { "x" }, new[] { x }, new[] { "sigmoid_0.tmp_0" });
        var expected = results[0].GetTensorDataAsSpan<float>();

        Assert.Equal(TextDetector.OutputTensors.Sigmoid0Tmp0Length, expected.Length);
        var actual = detector.Outputs.Sigmoid0Tmp0;
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"element {i}: {actual[i]} vs {expected[i]}");

        // A page of text lights up the probability map; an all-zero output would also "equal" a broken raw run.
        var textPixels = 0;
        foreach (var p in actual) if (p > 0.3f) textPixels++;
        Assert.InRange(textPixels, 1000, actual.Length / 2);
    }

    /// <summary>
    /// The acceptance check, verbatim, with nobody listening and then with a <see cref="System.Diagnostics.Metrics.MeterListener"/>
    /// on the runtime's meter (issue 15): about 3 min of the project's run on two cores.
    /// </summary>
    [Fact]
    public void Thousand_runs_after_warm_up_allocate_zero_bytes_with_and_without_a_meter_listener()
    {
        using var detector = TextDetector.Create(TestAssets.Detector, HostOptions());
        DetectorInput.Page(640, 640).CopyTo(detector.Inputs.X);
        for (var i = 0; i < 3; i++) detector.Run();

        Assert.Equal(0, AllocatedOverThousandRuns(detector));

        using var measurements = new RuntimeMeasurements();
        detector.Run(); // the listener's first callbacks on this instrument
        Assert.Equal(0, AllocatedOverThousandRuns(detector));
        Assert.Equal(1001, measurements.RunDurationCount); // the listener did see every run
    }

    private static long AllocatedOverThousandRuns(TextDetector detector)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) detector.Run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Tampered_model_fails_Create_with_the_integrity_exception_naming_file_and_hashes()
    {
        var bytes = File.ReadAllBytes(TestAssets.Detector);
        bytes[bytes.Length / 2] ^= 0x01;
        var path = Path.Combine(Path.GetTempPath(), $"edgebuild-tampered-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, bytes);
        try
        {
            var e = Assert.Throws<EdgeModelIntegrityException>(() => TextDetector.Create(path, HostOptions()));

            var actualHash = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            Assert.Equal(path, e.ModelSource);
            Assert.Equal(TextDetector.ModelSha256, e.ExpectedSha256);
            Assert.Equal(actualHash, e.ActualSha256);
            Assert.Contains(path, e.Message);
            Assert.Contains(TextDetector.ModelSha256, e.Message);
            Assert.Contains(actualHash, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Wrong_input_or_output_length_is_an_ArgumentException_before_anything_runs()
    {
        using var detector = TextDetector.Create(TestAssets.Detector, HostOptions());
        var output = new float[TextDetector.OutputTensors.Sigmoid0Tmp0Length];

        var e = Assert.Throws<ArgumentException>(() => detector.Run(new float[640 * 640 * 3 - 1], output));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => detector.Run(new float[TextDetector.InputTensors.XLength], new float[10]));
        Assert.Equal("sigmoid0Tmp0", e.ParamName);
    }

    [Fact]
    public void Copying_Run_gives_the_same_result_as_the_span_path()
    {
        var input = DetectorInput.Page(640, 640);
        using var detector = TextDetector.Create(TestAssets.Detector, HostOptions());
        var copied = new float[TextDetector.OutputTensors.Sigmoid0Tmp0Length];
        detector.Run(input, copied);

        input.CopyTo(detector.Inputs.X);
        detector.Run();

        Assert.True(detector.Outputs.Sigmoid0Tmp0.SequenceEqual(copied));
    }

    [Fact]
    public void Allocating_path_runs_the_detector_at_another_resolution()
    {
        using var detector = TextDetector.Create(TestAssets.Detector, HostOptions());
        var outputs = detector.RunDynamic(DetectorInput.Page(320, 480), new long[] { 1, 3, 320, 480 });

        Assert.Equal(new long[] { 1, 1, 320, 480 }, outputs.Sigmoid0Tmp0Shape);
        Assert.Equal(320 * 480, outputs.Sigmoid0Tmp0.Length);
        Assert.Contains(outputs.Sigmoid0Tmp0, p => p > 0.3f);

        var e = Assert.Throws<ArgumentException>(() => detector.RunDynamic(new float[4 * 32 * 32], new long[] { 1, 4, 32, 32 }));
        Assert.Contains("only named axes may change", e.Message);
    }

    [Fact]
    public void Generated_constants_describe_the_manifest()
    {
        Assert.Equal("x", TextDetector.InputTensors.XName);
        Assert.Equal(1 * 3 * 640 * 640, TextDetector.InputTensors.XLength);
        Assert.Equal(new long[] { 1, 3, 640, 640 }, TextDetector.InputTensors.XShape.ToArray());
        Assert.Equal("sigmoid_0.tmp_0", TextDetector.OutputTensors.Sigmoid0Tmp0Name);
        Assert.Equal("30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff", TextDetector.ModelSha256);
        Assert.Equal(4, TextDetector.ModelInfo.Session.IntraOpThreads);
    }
}
