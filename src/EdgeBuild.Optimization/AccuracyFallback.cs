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
/// cost. Nodes are returned to float in order of damage, in growing batches, re-verifying each time.
/// </summary>
internal static class AccuracyFallback
{
    private const int SensitivitySamples = 4;

    public static (ModelProto Model, QuantizationSummary Summary, IReadOnlyList<OutputComparison> Accuracy) Run(
        ModelProto original, ModelProto cleaned, ModelProto firstAttempt, SampleSource calibration, SampleSource validation,
        QuantizationOptions options, TargetSettings target, OptimizeRequest request, PassContext context, Dictionary<string, TensorRange> ranges)
    {
        var ranking = RankByDamage(cleaned, firstAttempt, validation);
        var originalBytes = original.ToByteArray();
        var excluded = new HashSet<string>(options.ExcludeNodes, StringComparer.Ordinal);
        var maxExcluded = Math.Max(1, ranking.Count / 2);
        IReadOnlyList<OutputComparison> accuracy = [];
        ModelProto attempt = firstAttempt;
        QuantizationSummary? summary = null;
        for (var batch = 1; ; batch *= 2)
        {
            foreach (var node in ranking.Select(r => r.Node).Where(n => !excluded.Contains(n)).Take(batch).ToList()) excluded.Add(node);
            attempt = cleaned.Clone();
            summary = QdqQuantizer.Quantize(attempt, calibration, options with { ExcludeNodes = excluded }, ranges);
            accuracy = ModelVerifier.Compare(originalBytes, attempt.ToByteArray(), validation, target);
            if (accuracy.All(a => a.SqnrDb >= request.MinSqnrDb))
            {
                context.Notes.Add($"accuracy fallback kept {excluded.Count - options.ExcludeNodes.Count} node(s) in float: {string.Join(", ", excluded.Except(options.ExcludeNodes).Order(StringComparer.Ordinal))}");
                return (attempt, summary, accuracy);
            }

            if (excluded.Count - options.ExcludeNodes.Count >= maxExcluded || excluded.IsSupersetOf(ranking.Select(r => r.Node))) break;
        }

        var details = new List<string> { "worst nodes (SQNR drop in dB when quantized):" };
        details.AddRange(ranking.Take(10).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Node,-40} {r.OpType,-18} {r.DropDb,8:F2}")));
        var worst = accuracy.OrderBy(a => a.SqnrDb).First();
        throw new AccuracyBudgetException(request.ModelPath,
            string.Create(CultureInfo.InvariantCulture, $"output '{worst.Name}' reaches {worst.SqnrDb:F2} dB SQNR, below the {request.MinSqnrDb} dB budget, even with {excluded.Count} node(s) kept in float"),
            "Give more representative calibration data, lower --min-sqnr, or use --precision none",
            details);
    }

    /// <summary>Quantized nodes ordered by how much SQNR their quantization costs (largest first).</summary>
    /// <remarks>The reference is the float model the quantized one was made from (same tensor names).</remarks>
    public static IReadOnlyList<NodeDamage> RankByDamage(ModelProto reference, ModelProto quantized, SampleSource validation)
    {
        var referenceValues = reference.Graph.Node.SelectMany(n => n.Output).Concat(reference.Graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        var producers = quantized.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).Where(p => p.o.Length > 0).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);

        // The float tensor behind an input: DequantizeLinear(QuantizeLinear(T)) → T.
        string? FloatSource(string input)
        {
            if (!producers.TryGetValue(input, out var dq) || dq.OpType != "DequantizeLinear") return null;
            if (!producers.TryGetValue(dq.Input[0], out var q) || q.OpType != "QuantizeLinear") return null;
            return q.Input[0];
        }

        var quantizedNodes = quantized.Graph.Node
            .Where(n => n.OpType is not ("QuantizeLinear" or "DequantizeLinear") && n.Output.Count > 0 && referenceValues.Contains(n.Output[0]))
            .Where(n => n.Input.Any(i => producers.TryGetValue(i, out var p) && p.OpType == "DequantizeLinear"))
            .ToList();
        var inputsOf = new Dictionary<NodeProto, List<string>>(ReferenceEqualityComparer.Instance);
        foreach (var n in quantizedNodes) inputsOf[n] = n.Input.Select(FloatSource).OfType<string>().Where(referenceValues.Contains).ToList();
        var probed = quantizedNodes.Select(n => n.Output[0]).Concat(inputsOf.Values.SelectMany(v => v))
            .Where(t => !reference.Graph.Input.Any(i => i.Name == t)).Distinct(StringComparer.Ordinal).ToList();

        var sqnr = TensorSqnr(reference, quantized, probed, validation);
        var ranking = new List<NodeDamage>();
        foreach (var node in quantizedNodes)
        {
            // Graph inputs are exact in both models; their quantization error shows up in this node's output.
            var inputSqnr = inputsOf[node].Select(i => sqnr.GetValueOrDefault(i, 100)).DefaultIfEmpty(100).Min();
            var outputSqnr = Math.Min(100, sqnr.GetValueOrDefault(node.Output[0], 100));
            ranking.Add(new NodeDamage(node.Name, node.OpType, Math.Min(100, inputSqnr) - outputSqnr));
        }

        return ranking.OrderByDescending(r => r.DropDb).ThenBy(r => r.Node, StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, double> TensorSqnr(ModelProto original, ModelProto quantized, List<string> tensors, SampleSource validation)
    {
        using var optionsA = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var optionsB = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var a = new InferenceSession(Calibrator.Augment(original, tensors).ToByteArray(), optionsA);
        using var b = new InferenceSession(Calibrator.Augment(quantized, tensors).ToByteArray(), optionsB);
        var comparisons = tensors.Select(t => new OutputComparison(t)).ToList();
        foreach (var sample in validation.Read().Take(SensitivitySamples))
        {
            using var ra = Sessions.Run(a, sample, tensors);
            using var rb = Sessions.Run(b, sample, tensors);
            for (var i = 0; i < tensors.Count; i++)
            {
                if (ra[i].GetTensorTypeAndShape().ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float) continue;
                comparisons[i].Add(ra[i].GetTensorDataAsSpan<float>(), rb[i].GetTensorDataAsSpan<float>(), []);
            }
        }

        return comparisons.Where(c => c.Samples > 0).ToDictionary(c => c.Name, c => c.SqnrDb, StringComparer.Ordinal);
    }
}

/// <summary>How many dB of SQNR quantizing one node costs.</summary>
public sealed record NodeDamage(string Node, string OpType, double DropDb);
