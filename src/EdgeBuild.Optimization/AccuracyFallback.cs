using System.Globalization;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Runtime;
using EdgeBuild.Optimization.Targets;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization;

/// <summary>
/// Keeps the most damaging quantized nodes in float until every output meets the SQNR budget.
/// A node's damage is measured, not guessed: the float and the quantized model both expose every quantized
/// node's output; the drop from the node's worst input SQNR to its output SQNR is what quantizing that node
/// cost. Nodes are returned to float in order of damage; the smallest prefix of that order that meets the budget
/// is found by doubling, then bisection, then chunks of it are handed back to int8 while the budget still holds.
/// </summary>
internal static class AccuracyFallback
{
    private const int SensitivitySamples = 4;

    /// <summary>Extra quantize + verify rounds spent handing parts of the float set back to int8.</summary>
    private const int MaxPruneAttempts = 32;

    public static (ModelProto Model, QuantizationSummary Summary, IReadOnlyList<OutputComparison> Accuracy) Run(
        ModelProto original, ModelProto cleaned, ModelProto firstAttempt, SampleSource calibration, SampleSource validation,
        QuantizationOptions options, TargetSettings target, OptimizeRequest request, PassContext context, Dictionary<string, TensorRange> ranges)
    {
        var ranking = RankByDamage(cleaned, firstAttempt, validation);
        context.Notes.Add("largest quantization noise (dB relative to signal): " + string.Join(", ", ranking.Take(8).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Label} ({r.Kind}) {r.DropDb:F1}"))));
        var originalBytes = original.ToByteArray();
        var tries = 0;

        // Keeping the k most damaging places in float: find the smallest k that meets the budget. Doubling finds
        // a k that works, then bisection between the last failing and the first passing k (accuracy grows with k
        // closely enough for this; each step costs one quantization and one verification).
        (ModelProto Model, QuantizationSummary Summary, IReadOnlyList<OutputComparison> Accuracy, HashSet<string> Excluded) Attempt(int k) =>
            AttemptItems(Enumerable.Range(0, Math.Min(k, ranking.Count)).ToList());

        (ModelProto Model, QuantizationSummary Summary, IReadOnlyList<OutputComparison> Accuracy, HashSet<string> Excluded) AttemptItems(IReadOnlyList<int> items)
        {
            tries++;
            var excluded = new HashSet<string>(options.ExcludeNodes, StringComparer.Ordinal);
            foreach (var i in items) excluded.UnionWith(ranking[i].Nodes);
            var model = cleaned.Clone();
            var summary = QdqQuantizer.Quantize(model, calibration, options with { ExcludeNodes = excluded }, ranges);
            return (model, summary, ModelVerifier.Compare(originalBytes, model.ToByteArray(), validation, target), excluded);
        }

        bool Meets(IReadOnlyList<OutputComparison> accuracy) => accuracy.All(a => a.SqnrDb >= request.MinSqnrDb);

        int failing = 0, k = 1;
        var last = Attempt(k);
        while (!Meets(last.Accuracy))
        {
            failing = k;
            // No cap below "everything float": a budget is a budget, and the note lists what stayed float (on the
            // PP-OCR classifier 30 dB needs ~3/4 of the nodes float; int8 without fallback already agrees on top-1).
            if (k >= ranking.Count) break;
            k = Math.Min(ranking.Count, k * 2);
            last = Attempt(k);
        }

        if (Meets(last.Accuracy))
        {
            var best = last;
            var passing = k;
            while (passing - failing > 1)
            {
                var mid = failing + ((passing - failing) / 2);
                var trial = Attempt(mid);
                if (Meets(trial.Accuracy)) (best, passing) = (trial, mid);
                else failing = mid;
            }

            // The damage ranking is measured once and does not add up exactly, so the prefix overshoots (PP-OCR det:
            // 37 dB for a 30 dB budget). Try handing chunks of it back to int8, halving the chunk size, least damaging
            // first; a bounded number of extra attempts.
            var chosen = Enumerable.Range(0, passing).ToList();
            var pruneAttempts = 0;
            for (var chunk = chosen.Count / 2; chunk >= 1 && pruneAttempts < MaxPruneAttempts; chunk /= 2)
            {
                for (var end = chosen.Count; end > 0 && pruneAttempts < MaxPruneAttempts; end -= chunk)
                {
                    var start = Math.Max(0, end - chunk);
                    var candidate = chosen.Take(start).Concat(chosen.Skip(end)).ToList();
                    if (candidate.Count == chosen.Count) continue;
                    pruneAttempts++;
                    var trial = AttemptItems(candidate);
                    if (!Meets(trial.Accuracy)) continue;
                    (best, chosen) = (trial, candidate);
                }
            }

            var kept = best.Excluded.Except(options.ExcludeNodes).Order(StringComparer.Ordinal).ToList();
            context.Notes.Add($"accuracy fallback kept {kept.Count} node(s) in float after {tries} attempt(s): {string.Join(", ", kept)}");
            return (best.Model, best.Summary, best.Accuracy);
        }

        var accuracy = last.Accuracy;
        var excludedCount = last.Excluded.Count;
        var details = new List<string> { "worst places (noise added by quantization, dB relative to signal):" };
        details.AddRange(ranking.Take(10).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Label,-40} {r.Kind,-18} {r.DropDb,8:F2}")));
        var worst = accuracy.OrderBy(a => a.SqnrDb).First();
        throw new AccuracyBudgetException(request.ModelPath,
            string.Create(CultureInfo.InvariantCulture, $"output '{worst.Name}' reaches {worst.SqnrDb:F2} dB SQNR, below the {request.MinSqnrDb} dB budget, even with {excludedCount} node(s) kept in float"),
            "Give more representative calibration data, lower --min-sqnr, or use --precision none",
            details);
    }

    /// <summary>
    /// What quantization costs where, largest first. Two kinds of damage: a node's (SQNR of its output minus the
    /// worst SQNR of its dequantized inputs: its weights), and an activation's (SQNR of a tensor minus SQNR of its
    /// dequantized copy: its Q/DQ pair). Keeping an activation in float means keeping its producer and readers in float.
    /// </summary>
    /// <remarks>The reference is the float model the quantized one was made from (same tensor names).</remarks>
    public static IReadOnlyList<NodeDamage> RankByDamage(ModelProto reference, ModelProto quantized, SampleSource validation)
    {
        var referenceValues = reference.Graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        var graphInputs = reference.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var producers = quantized.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).Where(p => p.o.Length > 0).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        var consumers = quantized.Graph.Node.SelectMany(n => n.Input.Select(i => (i, n))).GroupBy(p => p.i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.n).ToList(), StringComparer.Ordinal);

        // Activation pairs: T → Q → DQ, with T a float value of the reference model.
        var pairs = new List<(string Tensor, string Dequantized)>();
        foreach (var dq in quantized.Graph.Node.Where(n => n.OpType == "DequantizeLinear"))
        {
            if (producers.TryGetValue(dq.Input[0], out var q) && q.OpType == "QuantizeLinear" && (referenceValues.Contains(q.Input[0]) || graphInputs.Contains(q.Input[0])))
                pairs.Add((q.Input[0], dq.Output[0]));
        }

        var dequantizedToTensor = pairs.ToDictionary(p => p.Dequantized, p => p.Tensor, StringComparer.Ordinal);
        var quantizedNodes = quantized.Graph.Node
            .Where(n => n.OpType is not ("QuantizeLinear" or "DequantizeLinear") && n.Output.Count > 0 && referenceValues.Contains(n.Output[0]))
            .Where(n => n.Input.Any(i => producers.TryGetValue(i, out var p) && p.OpType == "DequantizeLinear"))
            .ToList();

        var probes = pairs.SelectMany(p => new[] { (Ref: p.Tensor, Cand: p.Tensor), (Ref: p.Tensor, Cand: p.Dequantized) })
            .Concat(quantizedNodes.Select(n => (Ref: n.Output[0], Cand: n.Output[0])))
            .Where(p => !graphInputs.Contains(p.Cand))
            .Distinct().ToList();
        var sqnr = TensorSqnr(reference, quantized, probes, validation);
        double Sqnr(string refName, string candName) => graphInputs.Contains(candName) ? 100 : Math.Min(100, sqnr.GetValueOrDefault((refName, candName), 100));

        var ranking = new List<NodeDamage>();
        foreach (var (tensor, dequantized) in pairs)
        {
            var drop = AddedNoiseDb(Sqnr(tensor, tensor), Sqnr(tensor, dequantized));
            var nodes = consumers.GetValueOrDefault(dequantized, []).Select(n => n.Name)
                .Concat(producers.TryGetValue(tensor, out var p) ? [p.Name] : [])
                .Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            ranking.Add(new NodeDamage(tensor, "activation", drop, nodes));
        }

        foreach (var node in quantizedNodes)
        {
            var inputSqnr = node.Input.Where(dequantizedToTensor.ContainsKey).Select(i => Sqnr(dequantizedToTensor[i], i)).DefaultIfEmpty(100).Min();
            ranking.Add(new NodeDamage(node.Name, node.OpType, AddedNoiseDb(inputSqnr, Sqnr(node.Output[0], node.Output[0])), [node.Name]));
        }

        return ranking.OrderByDescending(r => r.DropDb).ThenBy(r => r.Label, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Noise added between two points, as a power relative to the signal in dB (−47 means the noise added is
    /// 47 dB below the signal). Noise-to-signal ratios add up along a chain, unlike SQNR differences, so
    /// activations and weights rank on one scale.
    /// </summary>
    private static double AddedNoiseDb(double sqnrBefore, double sqnrAfter)
    {
        var added = Math.Pow(10, -sqnrAfter / 10) - Math.Pow(10, -sqnrBefore / 10);
        return added <= 0 ? -200 : 10 * Math.Log10(added);
    }

    private static Dictionary<(string, string), double> TensorSqnr(ModelProto reference, ModelProto quantized, List<(string Ref, string Cand)> probes, SampleSource validation)
    {
        var refNames = probes.Select(p => p.Ref).Distinct(StringComparer.Ordinal).ToList();
        var candNames = probes.Select(p => p.Cand).Distinct(StringComparer.Ordinal).ToList();
        using var optionsA = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_ENABLE_BASIC);
        using var optionsB = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL);
        using var a = new InferenceSession(Calibrator.Augment(reference, refNames).ToByteArray(), optionsA);
        using var b = new InferenceSession(Calibrator.Augment(quantized, candNames).ToByteArray(), optionsB);
        var refIndex = refNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var candIndex = candNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var comparisons = probes.Select(p => new OutputComparison(p.Ref + " vs " + p.Cand)).ToList();
        foreach (var sample in validation.Read().Take(SensitivitySamples))
        {
            using var ra = Sessions.Run(a, sample, refNames);
            using var rb = Sessions.Run(b, sample, candNames);
            for (var i = 0; i < probes.Count; i++)
            {
                var x = ra[refIndex[probes[i].Ref]];
                var y = rb[candIndex[probes[i].Cand]];
                if (x.GetTensorTypeAndShape().ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float) continue;
                comparisons[i].Add(x.GetTensorDataAsSpan<float>(), y.GetTensorDataAsSpan<float>(), []);
            }
        }

        var result = new Dictionary<(string, string), double>();
        for (var i = 0; i < probes.Count; i++)
        {
            if (comparisons[i].Samples > 0) result[(probes[i].Ref, probes[i].Cand)] = comparisons[i].SqnrDb;
        }

        return result;
    }
}

/// <summary>How many dB of SQNR quantizing one node's weights or one activation costs, and the nodes to keep in float to avoid it.</summary>
public sealed record NodeDamage(string Label, string Kind, double DropDb, IReadOnlyList<string> Nodes);
