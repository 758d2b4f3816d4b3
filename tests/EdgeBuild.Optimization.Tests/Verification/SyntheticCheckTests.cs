using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Verification;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Verification;

/// <summary>The check without data: made-up inputs from declared dims and types, and what it fails.</summary>
public sealed class SyntheticCheckTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, long> NoDims = [];

    [Fact]
    public void Image_inputs_get_normalized_image_statistics_and_are_seeded()
    {
        var model = new ModelBuilder().Input("x", DType.Float, 1, 3, 32, 48).Node("Identity", ["x"], ["y"]).Output("y", DType.Float, 1, 3, 32, 48).Build();
        var a = SyntheticSamples.Create(model, NoDims, null, new());
        var b = SyntheticSamples.Create(model, NoDims, null, new());
        var values = Tensors.ToFloatArray(a[0].Inputs[0].Tensor);
        Assert.Equal(4, a.Count);
        Assert.Equal(3 * 32 * 48, values.Length);
        Assert.All(values, v => Assert.InRange(v, -2.2f, 2.7f)); // [0, 1] pixels through ImageNet mean/std
        Assert.True(values.Max() - values.Min() > 1, "an image has contrast");
        Assert.Equal(a[2].Inputs[0].Tensor.RawData, b[2].Inputs[0].Tensor.RawData);
        Assert.NotEqual(a[0].Inputs[0].Tensor.RawData, a[1].Inputs[0].Tensor.RawData);
    }

    [Fact]
    public void Integer_inputs_take_the_values_the_model_compares_them_with_else_the_items_else_an_error()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestAssets.SileroVadV5));
        var shapes = new Dictionary<string, long[]> { ["input"] = [1, 512], ["state"] = [2, 1, 128] };
        var samples = SyntheticSamples.Create(model, NoDims, null, new(Shapes: shapes));
        var sr = samples[0].Inputs.Single(i => i.Name == "sr").Tensor;
        Assert.Equal([16000L], Tensors.ToArray<long>(sr)); // from the model's Equal(sr, 16000)
        Assert.All(Tensors.ToFloatArray(samples[0].Inputs.Single(i => i.Name == "state").Tensor), v => Assert.Equal(0f, v)); // a first call's state

        var free = new ModelBuilder().Input("n", DType.Int64, 1).Node("Cast", ["n"], ["y"], Attributes.Int("to", DType.Float)).Output("y", DType.Float, 1).Build();
        var error = Assert.Throws<ArgumentException>(() => SyntheticSamples.Create(free, NoDims, null, new()));
        Assert.Contains("integer input 'n'", error.Message);
        Assert.Contains("SyntheticValues=\"n=", error.Message);
        var given = SyntheticSamples.Create(free, NoDims, null, new(IntegerValues: new Dictionary<string, long[]> { ["n"] = [3, 5] }));
        Assert.Equal([3L, 5L, 3L, 5L], given.Select(s => Tensors.ToArray<long>(s.Inputs[0].Tensor)[0]).ToArray());
    }

    [Fact]
    public void An_unresolved_symbolic_dim_is_an_error_naming_it()
    {
        var model = new ModelBuilder().Input("x", DType.Float, "N", "T").Node("Identity", ["x"], ["y"]).Output("y", DType.Float, "N", "T").Build();
        var error = Assert.Throws<ArgumentException>(() => SyntheticSamples.Create(model, new Dictionary<string, long> { ["N"] = 1 }, null, new()));
        Assert.Contains("'T'", error.Message);
    }

    [Fact]
    public void The_check_passes_a_compressed_vad_and_fails_a_broken_one_saying_it_is_synthetic()
    {
        var original = File.ReadAllBytes(TestAssets.SileroVadLegacy);
        var model = ModelProto.Parser.ParseFrom(original);
        DataFreeWeightCompression.Run(model, new());
        var shapes = new Dictionary<string, long[]> { ["input"] = [1, 512], ["h"] = [2, 1, 64], ["c"] = [2, 1, 64] };
        var samples = SyntheticSamples.Create(model, NoDims, null, new(Shapes: shapes));
        var ok = SyntheticCheck.Run(original, model.ToByteArray(), samples);
        output.WriteLine(ok.Message);
        Assert.True(ok.Passed, ok.Message);
        Assert.Contains("not an accuracy measurement", ok.Message);

        // Broken: every LSTM's input weights scaled by 50 (what a wrong scale would do).
        var broken = ModelProto.Parser.ParseFrom(original);
        foreach (var r in GraphScopesProbe.LstmR(broken))
        {
            var values = Tensors.ToFloatArray(r).Select(v => v * 50).ToArray();
            r.FloatData.Clear();
            r.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }

        var bad = SyntheticCheck.Run(original, broken.ToByteArray(), samples);
        output.WriteLine(bad.Message);
        Assert.False(bad.Passed);
        Assert.Contains("below 10 dB", bad.Message);
    }
}

/// <summary>The W (input) weights of every LSTM in a model, in whichever graph defines them.</summary>
internal static class GraphScopesProbe
{
    public static IEnumerable<TensorProto> LstmR(ModelProto model)
    {
        var scopes = GraphScopes.Build(model.Graph);
        return scopes.Definitions.Where(d => scopes.ReadsOf(d).Any(r => r.Node is { OpType: "LSTM" } && r.Input == 1)).Select(d => d.Tensor).ToList();
    }
}
