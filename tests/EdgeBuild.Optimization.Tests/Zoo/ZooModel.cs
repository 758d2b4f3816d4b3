using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Verification;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Zoo;

/// <summary>
/// One pinned real network of the zoo: where it is, what kind of net it is, the Dims its one-line item declares, how its
/// accuracy is measured on real held-out data (outside the build), what the latency benchmark feeds it, and, where real
/// calibration data exists, how to write that data for the calibrated build. <see cref="ArgmaxClasses"/> &gt; 0: the output's
/// last axis holds that many class scores, and the zoo also counts how many rows (images, CTC time steps) keep their argmax;
/// with <see cref="CtcText"/> the rows are a CTC recognizer's time steps, and the zoo also measures the text it reads (ctc metric).
/// </summary>
internal sealed record ZooModel(
    string Name,
    string Category,
    string Path,
    string Dims,
    Func<TempDir, HeldOut> HeldOut,
    Func<TempDir, string>? Calibration = null,
    string? Preprocess = null,
    int ArgmaxClasses = 0,
    bool CtcText = false);

/// <summary>
/// Real held-out data for one model: <see cref="Compare"/> runs the original and the optimized file (paths) on it and
/// gives SQNR per output (and top-1 agreement where the output has rows to argmax); <see cref="Bench"/> is what the
/// paired latency benchmark feeds both.
/// </summary>
internal sealed record HeldOut(Func<string, string, IReadOnlyList<OutputComparison>> Compare, IReadOnlyList<Sample> Bench, IReadOnlyList<Sample> All)
{
    /// <summary>
    /// Over every held-out sample, one run of each model: the share of rows of <paramref name="classes"/> scores whose
    /// argmax is the same in both, and with <paramref name="ctcText"/> the <c>ctc</c> metric on the worst sample (how much
    /// of the text a beam search reads stays the same).
    /// </summary>
    public (double Argmax, double? Text) RowAgreement(string original, string optimized, int classes, bool ctcText)
    {
        var ctc = AccuracyMetrics.Parse("y: ctc(blank=0) >= 0%").Single();
        var text = new OutputComparison("y", [ctc]);
        int rows = 0, agree = 0;
        foreach (var sample in All)
        {
            var (a, b) = (Run(original, sample), Run(optimized, sample));
            for (var r = 0; r < a.Length / classes; r++, rows++)
            {
                if (ArgMax(a.AsSpan(r * classes, classes)) == ArgMax(b.AsSpan(r * classes, classes))) agree++;
            }

            if (ctcText) text.Add(a, b, [1, a.Length / classes, classes]);
        }

        return ((double)agree / rows, ctcText ? text.Value(ctc) : null);
    }

    private static float[] Run(string model, Sample sample) =>
        Support.OrtRun.Run(File.ReadAllBytes(model), [.. sample.Inputs.Select(i => (i.Name, Onnx.Graph.Tensors.ToFloatArray(i.Tensor), Onnx.Graph.Tensors.Shape(i.Tensor)))]).Values.First();

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }

        return best;
    }

    /// <summary>A folder of images (with the model's preprocessing) or of .npy samples, read the way `edgebuild verify` reads it.</summary>
    public static HeldOut Folder(string model, string folder, string? preprocess)
    {
        SampleSource Open() => SampleSource.Open(folder, SampleSource.InputsOf(Onnx.ModelFile.Load(model)), preprocess is null ? null : ImagePreprocessing.Parse(preprocess));
        return new HeldOut(
            (original, optimized) => ModelVerifier.Compare(File.ReadAllBytes(original), File.ReadAllBytes(optimized), Open()),
            [.. Open().Read().Take(2)],
            [.. Open().Read()]);
    }
}
