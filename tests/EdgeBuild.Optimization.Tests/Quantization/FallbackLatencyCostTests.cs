using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The latency step's MAC table (<see cref="FallbackLatencyCost"/>) counts the Convs inside If/Loop/Scan bodies, not only
/// the main graph's: before, a body Conv counted 0 MACs, so the step never handed a body place back to int8 and the
/// "latency trade" note left body work out. The model: If(then: 2 Convs) → Loop(3 × Conv) → 1×1 Conv, 8 channels at 8×8.
/// </summary>
public class FallbackLatencyCostTests
{
    private const int C = 8;

    // A 3×3 Conv, C → C channels, 8×8 output with padding: each of the 1·C·8·8 outputs sums C·3·3 products.
    private const long Conv3x3 = 1L * C * 8 * 8 * (C * 3 * 3);

    private static Sample Input(float value) =>
        new("x", [new SampleInput("x", Tensors.FromFloats("x", Enumerable.Repeat(value, C * 8 * 8).ToArray(), 1, C, 8, 8))]);

    [Fact]
    public void Convs_inside_the_if_branch_taken_and_every_loop_iteration_count_with_the_main_graphs()
    {
        var macs = FallbackLatencyCost.MacsPerNode(BodyActivationQuantizationTests.ControlFlowModel(), Input(0.5f));

        Assert.Equal(Conv3x3, macs["then_conv1"]);
        Assert.Equal(Conv3x3, macs["then_conv2"]);
        Assert.Equal(3 * Conv3x3, macs["loop_conv"]); // per run: the Loop body runs 3 times
        Assert.Equal(1L * C * 8 * 8 * C, macs["Conv_4"]); // the main graph's 1×1 Conv, as before
        Assert.Equal(4, macs.Count);
    }

    [Fact]
    public void Convs_in_an_if_branch_the_sample_does_not_take_count_nothing()
    {
        // mean(x) = -1000 is not > -100: the else branch (an Identity) runs, the then branch's Convs do not.
        var macs = FallbackLatencyCost.MacsPerNode(BodyActivationQuantizationTests.ControlFlowModel(), Input(-1000f));

        Assert.DoesNotContain("then_conv1", macs.Keys);
        Assert.DoesNotContain("then_conv2", macs.Keys);
        Assert.Equal(3 * Conv3x3, macs["loop_conv"]);
    }

    [Fact]
    public void Body_convs_reading_dequantized_activations_are_integer_nodes()
    {
        using var dir = new TempDir();
        var model = BodyActivationQuantizationTests.ControlFlowModel();
        var calibration = SampleSource.Open(Npy.RandomSamples(dir, "cal", 4, [1, C, 8, 8]), SampleSource.InputsOf(model), null);
        QdqQuantizer.Quantize(model, calibration, new QuantizationOptions());

        var integer = FallbackLatencyCost.QuantizedOnBothSides(model);

        foreach (var conv in new[] { "then_conv1", "then_conv2", "loop_conv" }) Assert.Contains(conv, integer);
    }
}
