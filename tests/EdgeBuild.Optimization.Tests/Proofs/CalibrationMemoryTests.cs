using EdgeBuild.Benchmarks.Calibration;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>
/// Acceptance 5: calibration streams its samples, so peak RSS with 256 samples stays within 1.2× of 16 samples.
/// Each count runs in a fresh child process (peak RSS is per process); ratios in the same run, never absolute sizes.
/// The model's activations are big enough (≈1.3 MB per sample) that keeping every sample's outputs, ORT's
/// collect-everything approach, would add over 300 MB and fail the bound many times over.
/// </summary>
public sealed class CalibrationMemoryTests(ITestOutputHelper output)
{
    private const int Side = 64;
    private const int Channels = 16;

    private static ModelProto ActivationHeavyNet()
    {
        var b = new ModelBuilder(opset: 13).Input("x", DType.Float, 1, 3, Side, Side);
        var previous = "x";
        var inChannels = 3;
        for (var i = 0; i < 3; i++)
        {
            b.Initializer($"w{i}", OrtRun.Random(Channels * inChannels * 9, 400 + i), Channels, inChannels, 3, 3)
                .Node("Conv", [previous, $"w{i}"], [$"c{i}"], name: $"conv{i}", attributes: Attributes.Ints("pads", 1, 1, 1, 1));
            if (i < 2) b.Node("Relu", [$"c{i}"], [$"r{i}"], name: $"relu{i}");
            previous = i < 2 ? $"r{i}" : $"c{i}";
            inChannels = Channels;
        }

        return b.Output("c2", DType.Float, 1, Channels, Side, Side).Build();
    }

    [Fact]
    public void Peak_memory_with_256_samples_is_within_1_2x_of_16_samples()
    {
        using var dir = new TempDir();
        var model = dir.File("net.onnx");
        ModelFile.Save(ActivationHeavyNet(), model);
        var samples = Path.Combine(Npy.RandomSamples(dir, "samples", 256, [1, 3, Side, Side]), "*.npy");

        // MinMax is one streamed pass; Entropy adds the second, histogram pass.
        foreach (var method in new[] { CalibrationMethod.MinMax, CalibrationMethod.Entropy })
        {
            var small = CalibrationMemory.Measure(model, samples, 16, method);
            var large = CalibrationMemory.Measure(model, samples, 256, method);

            var ratio = (double)large.PeakRssKb / small.PeakRssKb;
            output.WriteLine($"{method}: peak RSS {small.PeakRssKb / 1024.0:F1} MB with 16 samples, {large.PeakRssKb / 1024.0:F1} MB with 256: {ratio:F3}x");
            Assert.Equal((16, 256), (small.Samples, large.Samples));
            Assert.Equal(5, large.Tensors);
            var retainedIfCollectedKb = 240L * 5 * Channels * Side * Side * sizeof(float) / 1024;
            Assert.True(retainedIfCollectedKb > 0.2 * small.PeakRssKb * 2, "the model is too small for this test to catch samples being kept");
            Assert.True(ratio <= 1.2, $"{method}: peak RSS grew {ratio:F2}x from 16 to 256 samples");
        }
    }
}
