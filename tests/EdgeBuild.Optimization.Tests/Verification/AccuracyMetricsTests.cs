using EdgeBuild.Optimization.Verification;

namespace EdgeBuild.Optimization.Tests.Verification;

/// <summary>Every metric of the table on small outputs built in code, and the one parser's spellings and errors.</summary>
public class AccuracyMetricsTests
{
    private static AccuracyRequirement Req(string spec) => AccuracyMetrics.Parse(spec).Single();

    private static OutputComparison Compare(AccuracyRequirement req, long[] shape, params (float[] Ref, float[] Cand)[] samples)
    {
        var c = new OutputComparison("y", [req]);
        foreach (var (r, x) in samples) c.Add(r, x, shape);
        c.ApplySignalFloor(0);
        return c;
    }

    [Fact]
    public void Parses_each_metric_and_reads_back_its_canonical_spelling()
    {
        var all = AccuracyMetrics.Parse("sigmoid_0.tmp_0: agreement@0.3(eps=0.05) >= 99.5%; onnx::Flatten_0: top1 >= 100%; logits: argmax(blank=0) >= 0.99; emb: cosine >= 0.999; box: maxabs <= 0.5; *: mean sqnr >= 25dB");
        Assert.Equal(6, all.Count);
        Assert.Equal(new AccuracyRequirement("sigmoid_0.tmp_0", AccuracyMetricKind.Agreement, 0.995, At: 0.3, Epsilon: 0.05), all[0]);
        Assert.Equal("onnx::Flatten_0", all[1].Output);
        Assert.Equal(1.0, all[1].Threshold);
        Assert.Equal(0, all[2].Blank);
        Assert.False(all[4].Info.HigherIsBetter);
        Assert.True(all[5].Mean);
        Assert.Equal(25, all[5].Threshold);
        foreach (var r in all) Assert.Equal(r, Req(r.ToString()));
    }

    [Theory]
    [InlineData("agreement@0.3 >= 99%", "no output name")]
    [InlineData("y: psnr >= 30", "unknown metric 'psnr'")]
    [InlineData("y: maxabs >= 0.1", "lower-is-better")]
    [InlineData("y: top1 >= 99", "more than 100%")]
    [InlineData("y: agreement >= 99%", "agreement needs its threshold")]
    [InlineData("y: iou >= 95%", "iou needs its threshold")]
    [InlineData("y: iou@0.3(eps=0.1) >= 95%", "does not apply to iou")]
    [InlineData("y: cosine@0.3 >= 0.9", "takes no @T")]
    [InlineData("y: sqnr >= 30%", "not a percentage")]
    [InlineData("y: top1(blank=0) >= 99%", "does not apply to top1")]
    [InlineData("y: sqnr 30", "no comparison")]
    public void Rejects_a_bad_spec_naming_the_fix(string spec, string problem)
    {
        var e = Assert.Throws<AccuracySpecException>(() => AccuracyMetrics.Parse(spec));
        Assert.Contains(problem, e.Message);
        Assert.Contains("Fix:", e.Message);
    }

    [Fact]
    public void Sqnr_is_worst_sample_unless_mean_and_an_all_zero_reference_is_measured_against_a_floor()
    {
        float[] signal = [1, -1, 1, -1], noisy = [1.01f, -1, 1, -1], zero = [0, 0, 0, 0], tiny = [0.001f, 0, 0, 0];
        var req = Req("y: sqnr >= 30dB");
        // Alone, an all-zero reference makes any rounding "all noise".
        Assert.Equal(double.NegativeInfinity, Compare(req, [4], (zero, tiny)).Value(req));

        // Beside a sample with signal, it is measured against the set's mean square (0.5 here): 63 dB; the worst is the other one.
        var pooled = Compare(req, [4], (signal, noisy), (zero, tiny));
        Assert.InRange(pooled.Value(req), 45.9, 46.1); // 10·log10(4 / 1e-4)
        Assert.Equal(pooled.SqnrDb, pooled.Value(req with { Mean = true }));
        // Pooled, the set's signal is what it is: Σsignal / Σnoise = 4 / (1e-4 + 1e-6), not lifted by the floor.
        Assert.InRange(pooled.SqnrDb, 45.9, 46.0);

        // Alone but with a calibrated full scale (peak 1 → floor 0.01): 10·log10(0.04 / 1e-6) = 46 dB.
        var c = new OutputComparison("y", [req]);
        c.Add(zero, tiny, [4]);
        c.ApplySignalFloor(AccuracyBudget.SignalFloorOf(new Dictionary<string, Calibration.TensorRange> { ["y"] = new("y", 1, 0, 1) }, "y"));
        Assert.InRange(c.Value(req), 45.9, 46.1);
        Assert.True(req.Holds(c.Value(req)));
    }

    [Fact]
    public void Nan_in_the_candidate_never_holds_any_metric()
    {
        float[] r = [0.1f, 0.9f, 0.2f, 0.8f], x = [0.1f, float.NaN, 0.2f, 0.8f];
        foreach (var spec in new[] { "y: sqnr >= 0dB", "y: cosine >= -1", "y: maxabs <= 100", "y: top1 >= 0%", "y: argmax >= 0%" })
        {
            var req = Req(spec);
            var value = Compare(req, [2, 2], (r, x)).Value(req);
            if (req.Kind is AccuracyMetricKind.Top1 or AccuracyMetricKind.Argmax) Assert.Equal(0.5, value); // the NaN row agrees with nothing
            else Assert.False(req.Holds(value), $"{spec}: {value}");
        }
    }

    [Fact]
    public void Cosine_and_maxabs_per_sample()
    {
        var cos = Req("y: cosine >= 0.99");
        Assert.Equal(1, Compare(cos, [3], ([0, 0, 0], [0, 0, 0])).Value(cos)); // both all-zero: identical
        Assert.Equal(0, Compare(cos, [3], ([0, 0, 0], [0, 1, 0])).Value(cos)); // all-zero reference, something candidate
        Assert.Equal(-1, Compare(cos, [2], ([1, 0], [1, 0]), ([0, 1], [0, -1])).Value(cos), 6); // worst sample
        Assert.Equal(0, Compare(cos with { Mean = true }, [2], ([1, 0], [1, 0]), ([0, 1], [0, -1])).Value(cos with { Mean = true }), 6);

        var max = Req("y: maxabs <= 0.1");
        Assert.Equal(0.5, Compare(max, [2], ([1, 2], [1.05f, 2]), ([1, 2], [1, 2.5f])).Value(max), 5);
    }

    [Fact]
    public void Top1_needs_classifier_shaped_outputs()
    {
        var top1 = Req("y: top1 >= 50%");
        var agreeing = Compare(top1, [2, 3], ([0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f], [0.2f, 0.6f, 0.2f, 0.3f, 0.5f, 0.2f]));
        Assert.Equal(0.5, agreeing.Value(top1));
        Assert.True(double.IsNaN(Compare(top1, [6], ([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6])).Value(top1))); // not [N, classes]
    }

    [Fact]
    public void Argmax_per_position_ignores_positions_both_call_blank_and_an_all_blank_sample_agrees()
    {
        // [1, T=4, C=3], class 0 is the blank.
        float[] reference = [9, 0, 0, /**/ 0, 9, 0, /**/ 9, 0, 0, /**/ 0, 0, 9];
        float[] candidate = [9, 0, 0, /**/ 0, 9, 0, /**/ 0, 9, 0, /**/ 9, 0, 0]; // an inserted char, a dropped char
        var plain = Req("y: argmax >= 99%");
        Assert.Equal(0.5, Compare(plain, [1, 4, 3], (reference, candidate)).Value(plain));
        var blank = Req("y: argmax(blank=0) >= 99%");
        Assert.Equal(1.0 / 3, Compare(blank, [1, 4, 3], (reference, candidate)).Value(blank), 9); // 3 positions count, 1 agrees

        float[] allBlank = [9, 0, 0, 9, 0, 0];
        Assert.Equal(1, Compare(blank, [1, 2, 3], (allBlank, allBlank)).Value(blank)); // empty positions: nothing disagrees
    }

    [Fact]
    public void Ctc_judges_the_text_a_beam_search_reads_not_each_position()
    {
        // [1, T=4, C=3]: blank 0, "a" 1, space 2. A space spread over two positions that each lean blank by a hair
        // (0.55 / 0.45): greedy reads nothing there, the alignments together read a space (1 - 0.55² = 0.70).
        float[] reference = [0, 1, 0, /**/ 0.55f, 0, 0.45f, /**/ 0.55f, 0, 0.45f, /**/ 0, 1, 0]; // "a a"
        float[] tipped = [0, 1, 0, /**/ 0.45f, 0, 0.55f, /**/ 0.55f, 0, 0.45f, /**/ 0, 1, 0]; // greedy now reads the space
        var ctc = Req("y: ctc >= 100%");
        Assert.Equal(0, ctc.Blank);
        Assert.Equal(1, Compare(ctc, [1, 4, 3], (reference, tipped)).Value(ctc));
        var argmax = Req("y: argmax(blank=0) >= 100%");
        Assert.Equal(2.0 / 3, Compare(argmax, [1, 4, 3], (reference, tipped)).Value(argmax), 9); // the tipped position counts as a miss

        // A dropped character: "a a" read as "a": 2 edits over 3 characters.
        float[] dropped = [0, 1, 0, /**/ 1, 0, 0, /**/ 1, 0, 0, /**/ 1, 0, 0];
        Assert.Equal(1.0 / 3, Compare(ctc, [1, 4, 3], (reference, dropped)).Value(ctc), 9);
        // Empty reference (all blank): an empty reading agrees, any character is a miss.
        float[] allBlank = [1, 0, 0, /**/ 1, 0, 0];
        Assert.Equal(1, Compare(ctc, [1, 2, 3], (allBlank, allBlank)).Value(ctc));
        Assert.Equal(0, Compare(ctc, [1, 2, 3], (allBlank, [1, 0, 0, /**/ 0, 1, 0])).Value(ctc));
        // NaN in the candidate reads nothing; worst sample unless mean; a [N, T, C] batch counts each sequence.
        Assert.Equal(0, Compare(ctc, [1, 4, 3], (reference, [float.NaN, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0])).Value(ctc));
        var two = Compare(ctc, [1, 4, 3], (reference, reference), (reference, dropped));
        Assert.Equal(1.0 / 3, two.Value(ctc), 9);
        Assert.Equal(2.0 / 3, two.Value(ctc with { Mean = true }), 9);
        Assert.Equal(4.0 / 6, Compare(ctc, [2, 4, 3], ([.. reference, .. reference], [.. reference, .. dropped])).Value(ctc), 9);
        // A blank other than class 0.
        var two1 = Req("y: ctc(blank=2) >= 100%");
        Assert.Equal(2, two1.Blank);
        Assert.Equal(two1, Req(two1.ToString()));
    }

    [Fact]
    public void Edit_distance_counts_insertions_deletions_and_substitutions()
    {
        Assert.Equal(0, EditDistance.Levenshtein("abc", "abc"));
        Assert.Equal(1, EditDistance.Levenshtein("abc", "ac"));
        Assert.Equal(1, EditDistance.Levenshtein("abc", "abxc"));
        Assert.Equal(1, EditDistance.Levenshtein("abc", "axc"));
        Assert.Equal(3, EditDistance.Levenshtein("", "aaa"));
    }

    [Fact]
    public void Agreement_counts_sides_of_T_and_ignores_the_band_within_eps()
    {
        var req = Req("y: agreement@0.5 >= 90%");
        float[] r = [0.1f, 0.49f, 0.51f, 0.9f], x = [0.1f, 0.52f, 0.51f, 0.9f];
        Assert.Equal(0.75, Compare(req, [4], (r, x)).Value(req));
        var band = Req("y: agreement@0.5(eps=0.02) >= 90%");
        Assert.Equal(1, Compare(band, [4], (r, x)).Value(band)); // 0.49 and 0.51 are within ε: ignored
        Assert.Equal(1, Compare(band, [2], ([0.5f, 0.5f], [0, 1])).Value(band)); // every element ignored: agrees
        Assert.Equal(1, Compare(req, [3], ([0, 0, 0], [0, 0, 0])).Value(req)); // all-zero reference
        var two = Compare(req, [2], ([0, 1], [0, 1]), ([0, 1], [1, 1]));
        Assert.Equal(0.5, two.Value(req)); // worst sample
        Assert.Equal(0.75, two.Value(req with { Mean = true }));
    }

    [Fact]
    public void Iou_compares_the_regions_above_T_and_the_background_does_not_dilute_it()
    {
        var req = Req("y: iou@0.5 >= 90%");
        Assert.Equal(new AccuracyRequirement("y", AccuracyMetricKind.Iou, 0.9, At: 0.5), req);
        Assert.Equal(req, Req(req.ToString()));
        // 2 elements above T in both, 1 only in the reference, 1 only in the candidate: 2 / 4. The 96 background elements
        // below T on both sides do not count (agreement@0.5 would read 98 %).
        var r = new float[100];
        var x = new float[100];
        (r[0], r[1], r[2], x[0], x[1], x[3]) = (0.9f, 0.8f, 0.7f, 0.9f, 0.6f, 0.7f);
        Assert.Equal(0.5, Compare(req, [100], (r, x)).Value(req));
        var agreement = Req("y: agreement@0.5 >= 90%");
        Assert.Equal(0.98, Compare(agreement, [100], (r, x)).Value(agreement), 9);

        Assert.Equal(1, Compare(req, [3], ([0, 0, 0], [0, 0, 0])).Value(req)); // all-zero reference and candidate: no region, agrees
        Assert.Equal(0, Compare(req, [3], ([0, 0, 0], [0, 0.9f, 0])).Value(req)); // a region the reference does not have
        Assert.Equal(0.5, Compare(req, [2], ([0.9f, 0.9f], [0.9f, float.NaN])).Value(req)); // NaN: in the union, never in the intersection
        Assert.Equal(1, Compare(req, [2], ([float.NaN, 0.9f], [0.1f, 0.9f])).Value(req)); // NaN reference element: skipped
        var two = Compare(req, [2], ([1, 1], [1, 1]), ([1, 1], [1, 0]));
        Assert.Equal(0.5, two.Value(req)); // worst sample
        Assert.Equal(0.75, two.Value(req with { Mean = true }));
    }

    [Fact]
    public void The_budget_names_outputs_and_falls_back_to_pooled_sqnr_for_the_others()
    {
        var budget = new AccuracyBudget(30, AccuracyMetrics.Parse("a: agreement@0.5 >= 99%"));
        Assert.Equal(AccuracyMetricKind.Agreement, budget.For("a").Single().Kind);
        Assert.Equal(new AccuracyRequirement("b", AccuracyMetricKind.Sqnr, 30, Mean: true), budget.For("b").Single());
        var e = Assert.Throws<OptimizationInputException>(() => budget.CheckOutputs(["b"], "m.onnx"));
        Assert.Equal("EDGE0002", e.Code);
        Assert.Contains("'a'", e.Problem);
        Assert.Equal("EDGE0002", Assert.Throws<OptimizationInputException>(() => AccuracyBudget.From(30, "a: nope >= 1", "m.onnx")).Code);
    }
}
