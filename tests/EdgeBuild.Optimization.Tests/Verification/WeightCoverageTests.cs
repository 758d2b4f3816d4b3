using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Verification;

/// <summary>Never silent: what stayed float and why, and the warning a result that did not shrink gets.</summary>
public sealed class WeightCoverageTests(ITestOutputHelper output)
{
    /// <summary>Two 64×64 float constants read by Add and Mul: weight bytes, none of them a quantizer's.</summary>
    internal static ModelProto OnlyOpsWithoutAQuantizer() => new ModelBuilder()
        .Input("x", DType.Float, 64, 64)
        .Initializer("offset", OrtRun.Random(64 * 64, 1), 64, 64)
        .Node("Add", ["x", "offset"], ["a"])
        .Initializer("gain", OrtRun.Random(64 * 64, 2), 64, 64)
        .Node("Mul", ["a", "gain"], ["y"])
        .Output("y", DType.Float, 64, 64)
        .Build();

    [Fact]
    public void A_model_made_only_of_ops_without_a_quantizer_warns_nothing_compressed_in_one_line()
    {
        var model = OnlyOpsWithoutAQuantizer();
        var source = model.ToByteArray().Length;
        Assert.Equal(0, DataFreeWeightCompression.Run(model, new()).Tensors);
        var result = model.ToByteArray().Length;

        var coverage = WeightCoverage.Analyze(model);
        var warning = coverage.Warning("m.onnx", result, source).ToString();
        output.WriteLine(warning);
        Assert.True(coverage.ShouldWarn(result, source));
        Assert.Equal(coverage.WeightBytes, coverage.FloatBytes);
        Assert.Equal(2 * 64 * 64 * 4, coverage.FloatBytes);
        var group = Assert.Single(coverage.ByReason);
        Assert.Equal((WeightCoverage.NoQuantizer, 2), (group.Reason, group.Count));
        Assert.Equal(["Add", "Mul"], group.Ops);
        Assert.StartsWith("m.onnx: warning EDGE0220: nothing compressed (result 1.00x the source): 2 tensor(s)", warning);
        Assert.Contains("op without a quantizer (Add, Mul)", warning);
        Assert.DoesNotContain('\n', warning);
    }

    [Fact]
    public void Excluded_and_unsupported_tensors_are_told_apart_and_the_biggest_are_named()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1, 64)
            .Initializer("w1", OrtRun.Random(64 * 64, 3), 64, 64)
            .Node("MatMul", ["x", "w1"], ["a"], name: "keep_me")
            .Initializer("w2", OrtRun.Random(64 * 128, 4), 64, 128)
            .Node("MatMul", ["a", "w2"], ["y"])
            .Initializer("w3", OrtRun.Random(64 * 32, 5), 64, 32)
            .Node("MatMul", ["a", "w3"], ["z"])
            .Output("y", DType.Float, 1, 128)
            .Output("z", DType.Float, 1, 32)
            .Build();
        model.Graph.Input.Add(ModelBuilder.CreateValueInfo("w3", DType.Float, [64, 32])); // an overridable default
        var source = model.ToByteArray().Length;
        Assert.Equal(1, DataFreeWeightCompression.Run(model, new(ExcludeNodes: new HashSet<string> { "keep_me" })).Tensors);

        var coverage = WeightCoverage.Analyze(model);
        Assert.Equal([WeightCoverage.Excluded, WeightCoverage.Unsupported], coverage.ByReason.Select(g => g.Reason).ToArray());
        Assert.Equal("w1", coverage.Biggest[0].Name);
        Assert.Equal(64 * 128 + (64 * 64 + 64 * 32) * 4, coverage.WeightBytes); // int8 w2 plus the float ones (w2's [1,128] scale is below 512 values)
        Assert.True(coverage.ShouldWarn(model.ToByteArray().Length, source)); // 75 % of the weight bytes stayed float
    }

    [Fact]
    public void A_compressed_vad_does_not_warn_and_its_source_would()
    {
        var original = File.ReadAllBytes(TestAssets.SileroVadV5);
        var before = WeightCoverage.Analyze(ModelProto.Parser.ParseFrom(original));
        Assert.True(before.ShouldWarn(original.Length, original.Length));
        output.WriteLine(before.Warning("silero_vad_v5.onnx", original.Length, original.Length).ToString());

        var model = ModelProto.Parser.ParseFrom(original);
        DataFreeWeightCompression.Run(model, new());
        var after = WeightCoverage.Analyze(model);
        var bytes = model.ToByteArray().Length;
        output.WriteLine($"after: {after.FloatBytes} of {after.WeightBytes} weight bytes float; {(double)bytes / original.Length:F3}x");
        Assert.False(after.ShouldWarn(bytes, original.Length));
    }
}
