using EdgeBuild.Runtime.Overhead;
using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace EdgeBuild.Runtime.Tests;

/// <summary>
/// Issue 15, acceptance 4: the wrapper's <c>Run()</c> on the real detector against a hand-written ONNX Runtime
/// IoBinding loop in the same process, interleaved run by run (<see cref="InterleavedRuns"/>): ratios, never
/// absolute times. The benchmarks' <c>run-overhead</c> command repeats the same comparisons for the docs' figures.
/// </summary>
[Collection(MeasurementCollection.Name)]
public sealed class RunOverheadTests(ITestOutputHelper output)
{
    private const int Pairs = 60;

    /// <summary>Default <c>Create()</c>: the manifest's rpi5 settings (4 threads, spinning) fitted to this host.</summary>
    [Fact]
    public void Default_Create_runs_within_5_percent_of_a_raw_IoBinding_loop_with_ORT_default_settings()
    {
        using var wrapper = TextDetector.Create(TestAssets.Detector);
        using var options = new SessionOptions();
        using var raw = new RawIoBindingLoop(TestAssets.Detector, TextDetector.ModelInfo, options);

        var ratio = MedianRatio(wrapper, raw, "default Create() vs ORT defaults", Clock.Wall);

        Assert.True(ratio <= OverheadSettings.DefaultBound, $"wrapper/raw = {ratio:F3} > {OverheadSettings.DefaultBound} ({wrapper.EffectiveSettings})");
    }

    /// <summary>Both with the same explicit settings: what remains is the wrapper's own cost.</summary>
    [Fact]
    public void Explicit_equal_settings_run_within_2_percent_of_a_raw_IoBinding_loop()
    {
        using var wrapper = TextDetector.Create(TestAssets.Detector, OverheadSettings.EqualWrapper());
        using var options = OverheadSettings.EqualRaw();
        using var raw = new RawIoBindingLoop(TestAssets.Detector, TextDetector.ModelInfo, options);

        var ratio = MedianRatio(wrapper, raw, "equal explicit settings", Clock.ProcessCpu);

        Assert.True(ratio <= OverheadSettings.EqualBound, $"wrapper/raw = {ratio:F3} > {OverheadSettings.EqualBound}");
    }

    private double MedianRatio(TextDetector wrapper, RawIoBindingLoop raw, string what, Clock clock)
    {
        var input = DetectorInput.Page(640, 640);
        input.CopyTo(wrapper.Inputs.X);
        input.CopyTo(raw.Input);
        for (var i = 0; i < 3; i++)
        {
            wrapper.Run();
            raw.Run();
        }

        var expected = raw.Output;
        var actual = wrapper.Outputs.Sigmoid0Tmp0;
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"outputs differ at {i}: {actual[i]} vs {expected[i]}");

        var comparison = InterleavedRuns.Compare(what, wrapper.Run, raw.Run, Pairs, clock);
        output.WriteLine($"{comparison}; wrapper: {wrapper.EffectiveSettings}");
        return comparison.MedianRatio;
    }
}
