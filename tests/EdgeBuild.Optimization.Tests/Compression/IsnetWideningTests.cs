using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Optimization.Verification;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// The pinned ISNet file as the widening sees it: 238 float16 Conv weights and biases, a float16 graph with float32
/// Casts around its 39 Resize nodes and at its 12 outputs. Widened, it has no float16 tensor and no Cast left, its
/// signature is unchanged, and on a real photo its 12 outputs match the float16 file's (the activations' float16
/// rounding is all that differs). Opt-in with the other ISNet test (EDGEBUILD_ISNET_FALLBACK_TESTS=1,
/// `bash scripts/fetch-assets.sh --with-isnet`): one 1024² run of each model, ~1 min here.
/// </summary>
public sealed class IsnetWideningTests(ITestOutputHelper output)
{
    [OptInFact(IsnetFallbackTimeTests.OptInVariable, "ISNet fp16 widened to float32, one 1024x1024 photo; needs scripts/fetch-assets.sh --with-isnet")]
    public void The_fp16_file_widens_to_a_float32_network_that_computes_what_it_computes()
    {
        var source = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestAssets.IsnetFp16));
        var survey = Float16Widening.Inspect(source);
        Assert.True(survey is { Tensors: 238, ComputesInFloat16: true }, survey.ToString());

        var wide = source.Clone();
        var summary = Float16Widening.Run(wide, new PassContext(wide));

        output.WriteLine(summary.ToString());
        Assert.DoesNotContain(wide.Graph.Initializer, t => t.DataType == DType.Float16);
        Assert.DoesNotContain(wide.Graph.Node, n => n.OpType is "Cast" or "Identity");
        Assert.Equal(119, wide.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal(source.Graph.Input.Select(i => (i.Name, i.Type.TensorType.ElemType)), wide.Graph.Input.Select(i => (i.Name, i.Type.TensorType.ElemType)));
        Assert.Equal(source.Graph.Output.Select(o => (o.Name, o.Type.TensorType.ElemType)), wide.Graph.Output.Select(o => (o.Name, o.Type.TensorType.ElemType)));
        Assert.Equal(survey.Values, summary.WidenedValues);

        using var dir = new TempDir();
        var photo = Directory.CreateDirectory(dir.File("val")).FullName;
        File.Copy(Path.Combine(TestAssets.ImagesDir, IsnetFallbackTimeTests.ValidationImages[0]), Path.Combine(photo, IsnetFallbackTimeTests.ValidationImages[0]));
        var samples = SampleSource.Open(photo, SampleSource.InputsOf(source), ImagePreprocessing.Parse(IsnetInt8Tests.Preprocess));
        var comparisons = ModelVerifier.Compare(source.ToByteArray(), wide.ToByteArray(), samples);
        foreach (var c in comparisons) output.WriteLine($"{c.Name}: {c.SqnrDb:F1} dB, max |error| {c.MaxAbsError:G3}");
        Assert.Equal(12, comparisons.Count);
        Assert.All(comparisons, c => Assert.True(c.SqnrDb >= 50, $"{c.Name}: {c.SqnrDb:F1} dB"));
    }
}
