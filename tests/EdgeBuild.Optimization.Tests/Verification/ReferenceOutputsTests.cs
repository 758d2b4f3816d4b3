using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Verification;

/// <summary>
/// The fallback computes the reference's outputs once and compares every attempt with them: the figures must be the
/// ones the streaming comparison (both models per sample) gives, or reuse would change which model is written.
/// </summary>
public class ReferenceOutputsTests
{
    [Fact]
    public void Comparing_against_outputs_computed_once_gives_the_streaming_figures()
    {
        using var dir = new TempDir();
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 4, 6, 6)
            .Initializer("w", OrtRun.Random(8 * 4 * 9, 3), 8, 4, 3, 3)
            .Node("Conv", ["x", "w"], ["c"], "conv", "", Attributes.Ints("pads", 1, 1, 1, 1))
            .Node("Sigmoid", ["c"], ["y"])
            .Output("y", DType.Float, 1, 8, 6, 6)
            .Build();
        var folder = Directory.CreateDirectory(dir.File("val")).FullName;
        for (var s = 0; s < 3; s++) Npy.Write(Path.Combine(folder, $"s{s}.npy"), OrtRun.Random(4 * 36, 50 + s), 1, 4, 6, 6);
        var samples = SampleSource.Open(folder, SampleSource.InputsOf(model), null);
        var candidate = model.Clone();
        QdqQuantizer.Quantize(candidate, samples, new QuantizationOptions());
        var budget = AccuracyBudget.From(30, "y: agreement@0.5 >= 99%; y: maxabs <= 0.5", "m.onnx");

        var streamed = budget.Compare(model.ToByteArray(), candidate.ToByteArray(), samples, null);
        var reference = ReferenceOutputs.Of(model.ToByteArray(), samples);
        var once = budget.Compare(reference, candidate.ToByteArray(), samples, null);

        Assert.Equal(3, reference.Samples);
        Assert.Equal(["y"], reference.Names);
        var (a, b) = (Assert.Single(streamed), Assert.Single(once));
        Assert.True(a.SqnrDb is > 0 and < 200, $"a real difference to compare: {a.SqnrDb} dB");
        Assert.Equal(a.SqnrDb, b.SqnrDb);
        Assert.Equal(a.WorstSampleSqnrDb, b.WorstSampleSqnrDb);
        Assert.Equal(budget.Results(a).Select(m => m.Value), budget.Results(b).Select(m => m.Value));
    }
}
