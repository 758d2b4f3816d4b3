using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests.Sample;

/// <summary>
/// The TextDetection sample end to end, through its scripts, as a user runs them: packs EdgeBuild, builds the sample
/// against the package (which quantizes the real PP-OCRv4 detector for rpi5), runs it on a real scanned page.
/// One class so the two checks, which build the same sample, never run at the same time; in the package feed's
/// collection so packing EdgeBuild here never overlaps the other integration tests packing it.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class SampleChecksTests : IClassFixture<SamplePreparation>, IDisposable
{
    private readonly string _outDir = Path.Combine(Path.GetTempPath(), "edgebuild-sample-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Arm64_build_on_an_emulated_cortex_a76_finds_the_same_boxes_as_x64()
    {
        var (exitCode, log) = SampleScript.Run("check-arm64.sh", ["--out-dir", _outDir], TimeSpan.FromMinutes(20));

        Assert.True(exitCode == 0, $"samples/check-arm64.sh exited with {exitCode}:\n{log}");
        var comparison = SampleScript.ReadComparison(_outDir);
        Assert.True(comparison.ReferenceBoxes > 0, "the x64 run found no text on the default page");
        Assert.Equal(comparison.ReferenceBoxes, comparison.CandidateBoxes);
        Assert.InRange(comparison.WorstIou, 0.9, 1.0);
        Assert.NotNull(comparison.SqnrDb);
        Assert.True(comparison.SqnrDb >= 30, $"arm64 map SQNR vs x64 is {comparison.SqnrDb} dB, below 30 dB");

        // The emulated run really used the arm64 build (an AArch64 ONNX Runtime) and the int8 model built for rpi5.
        Assert.Equal(NativeFiles.Arm64, NativeFiles.ElfMachine(Path.Combine(_outDir, "linux-arm64", "libonnxruntime.so")));
        Assert.Equal(NativeFiles.X64, NativeFiles.ElfMachine(Path.Combine(_outDir, "linux-x64", "libonnxruntime.so")));
        AssertQuantized(Path.Combine(_outDir, "arm64.json"), new FileInfo(TestAssets.Detector).Length);
    }

    [Fact]
    public void Int8_sample_finds_the_same_boxes_as_the_float32_model()
    {
        var (exitCode, log) = SampleScript.Run("check-int8.sh", ["--out-dir", _outDir], TimeSpan.FromMinutes(20));

        Assert.True(exitCode == 0, $"samples/check-int8.sh exited with {exitCode}:\n{log}");
        var comparison = SampleScript.ReadComparison(_outDir);
        Assert.True(comparison.ReferenceBoxes > 0, "the float32 run found no text on the default page");
        Assert.Equal(comparison.ReferenceBoxes, comparison.CandidateBoxes);
        Assert.InRange(comparison.WorstIou, 0.9, 1.0);

        // The comparison really is int8 against float32.
        AssertQuantized(Path.Combine(_outDir, "int8.json"), SampleScript.ModelBytes(Path.Combine(_outDir, "float32.json")));
    }

    /// <summary>
    /// The run used the model the sample's build quantized: the generated class reports int8, and the file is
    /// smaller than the float32 detector. Not much smaller: the sample's accuracy budget (MinSqnrDb="40" in
    /// TextDetection.csproj) keeps most of the detector float, so the size alone cannot tell it from a cleanup-only build.
    /// </summary>
    private static void AssertQuantized(string detectionJson, long floatBytes)
    {
        Assert.Equal("int8", SampleScript.BuiltPrecision(detectionJson));
        long modelBytes = SampleScript.ModelBytes(detectionJson);
        Assert.True(modelBytes < floatBytes, $"the sample's int8 model is {modelBytes} bytes, the float32 detector {floatBytes}");
    }

    public void Dispose()
    {
        if (Directory.Exists(_outDir)) Directory.Delete(_outDir, recursive: true);
    }
}
