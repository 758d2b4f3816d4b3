using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// int4, dynamic int8 and fp16 on real MatMul/Gemm weights: openWakeWord's melspectrogram (STFT Conv + a [257, 32] mel
/// filterbank MatMul) on white-noise audio, and its "hey jarvis" MLP classifier (3 Gemm + LayerNorm, and an If) on
/// Gaussian embeddings. Conv stays float in every case.
/// </summary>
public class WakewordModelTests
{
    private static string Samples(TempDir dir, string folder, long[] shape, float scale, int seed)
    {
        var path = dir.File(folder);
        Directory.CreateDirectory(path);
        var rng = new Random(seed);
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        for (var s = 0; s < 4; s++)
        {
            // Box-Muller Gaussian: audio-like noise, embedding-like values.
            var data = new float[n];
            for (var i = 0; i < n; i++) data[i] = scale * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            Npy.Write(Path.Combine(path, $"s{s}.npy"), data, shape);
        }

        return path;
    }

    private static OptimizeResult Optimize(TempDir dir, string model, string precision, string samples, bool dynamic = false, double minSqnr = 30) => ModelOptimizer.Optimize(new OptimizeRequest
    {
        ModelPath = model,
        OutputPath = dir.File($"{precision}{(dynamic ? "-dyn" : "")}.onnx"),
        TargetId = "x64-vnni",
        Precision = precision,
        Dynamic = dynamic,
        ValidationData = samples,
        MinSqnrDb = minSqnr, // Optimize throws below it
    });

    private static List<NodeProto> Nodes(OptimizeResult r) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(r.OutputPath)).Graph.Node.ToList();

    [Fact]
    public void Melspectrogram_filterbank_becomes_int4_and_dynamic_int8_and_the_stft_conv_stays_float()
    {
        using var dir = new TempDir();
        var audio = Samples(dir, "audio", [1, 16000], 3000f, seed: 2); // int16-scale samples, as openWakeWord feeds it

        var int4 = Optimize(dir, TestAssets.WakewordMelspectrogram, "int4", audio);
        var dyn = Optimize(dir, TestAssets.WakewordMelspectrogram, "int8", audio, dynamic: true);

        Assert.Single(Nodes(int4), n => n.OpType == "MatMulNBits");
        Assert.Single(Nodes(dyn), n => n.OpType == "DynamicQuantizeMatMul");
        Assert.All(new[] { int4, dyn }, r => Assert.Equal(2, Nodes(r).Count(n => n.OpType == "Conv")));
        Assert.True(int4.Accuracy.Single().SqnrDb >= 30 && dyn.Accuracy.Single().SqnrDb >= 30);
    }

    [Fact]
    public void Hey_jarvis_gemms_become_dynamic_int8_or_int4_and_fp16_keeps_its_if_in_float32()
    {
        using var dir = new TempDir();
        var embeddings = Samples(dir, "emb", [1, 16, 96], 3f, seed: 1);

        var dyn = Optimize(dir, TestAssets.WakewordHeyJarvis, "int8", embeddings, dynamic: true);
        var int4 = Optimize(dir, TestAssets.WakewordHeyJarvis, "int4", embeddings, minSqnr: 20); // 4-bit weights: 28.6 dB on these samples
        var half = Optimize(dir, TestAssets.WakewordHeyJarvis, "fp16", embeddings);

        // The three Gemm of the main graph; the verifier MLP inside the If body is left alone.
        Assert.Equal(3, Nodes(dyn).Count(n => n.OpType == "DynamicQuantizeMatMul"));
        Assert.Equal(3, Nodes(int4).Count(n => n.OpType == "MatMulNBits"));
        Assert.DoesNotContain(Nodes(dyn).Concat(Nodes(int4)), n => n.OpType == "Gemm");
        Assert.True(int4.SizeRatio < dyn.SizeRatio);
        Assert.Contains(half.Notes, n => n.Contains("(If)"));
        Assert.InRange(half.SizeRatio, 0.5, 0.75); // the If body's weights stay float32
        Assert.All(dyn.Accuracy.Concat(half.Accuracy), a => Assert.True(a.SqnrDb >= 30, $"{a.Name}: {a.SqnrDb:F1} dB"));
    }
}
