using System.Globalization;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Benchmarking;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Runtime;
using EdgeBuild.Optimization.Verification;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// Activations inside If/Loop/Scan bodies are quantized only where that is faster. A body runs once per call (If) or
/// once per iteration (Loop/Scan), and its Q/DQ pairs only pay when ORT fuses them into integer kernels that beat the
/// float ones at the body's sizes: small bodies (an MLP on 64 values, a few 1-D Convs) can run slower as int8. So both
/// forms are built, the quantized one is measured against bodies computed in float on the same int8 weights (interleaved
/// pairs on the validation samples with the target's session settings, <see cref="PairedBenchmark"/>), and kept only
/// when it is at least <see cref="MinGain"/> faster in two measurements and meets the accuracy budget; otherwise bodies stay float on int8
/// weights, and the accuracy fallback then works on that model as on any other (it ranks places inside bodies too).
/// </summary>
internal static class BodyActivationChoice
{
    /// <summary>Quantized bodies must be this much faster (median of paired ratios): below it the difference is within the noise of a shared machine.</summary>
    public const double MinGain = 0.03;

    /// <summary>Interleaved pairs per validation sample (at most <see cref="MaxSamples"/> samples): bodies are small, a pair costs two runs.</summary>
    private const int Iterations = 30;

    private const int MaxSamples = 4;

    /// <summary>Returns the model to keep (<paramref name="quantized"/> or the float-bodies alternative) and sets <see cref="PipelineState.Quantization"/> to match.</summary>
    public static (ModelProto Model, QuantizationSummary Summary) Choose(PipelineState state, ModelProto quantized, QuantizationSummary summary)
    {
        if (ControlFlowBodies.All(quantized.Graph).Count == 0) return (quantized, summary);
        var options = state.Quantization! with { FloatBodyActivations = true };
        var floatBodies = state.Reference!.Clone();
        var floatSummary = QdqQuantizer.Quantize(floatBodies, state.Calibration!, options, state.Ranges, state.Request.Progress);
        var budget = AccuracyBudget.From(state.Request.MinSqnrDb, state.Request.Accuracy, state.Request.ModelPath);
        // The reference's outputs once for the two or three comparisons below.
        var reference = ReferenceOutputs.Of(state.ReferenceBytes, state.Validation!);
        if (summary.BodyActivations.Count == 0)
        {
            // No body value was computed on the calibration samples (a branch never taken) or none is float: the bodies'
            // weights still go int8 (computed in float, as the data-free path stores them), if the budget holds.
            const string none = "no activation inside If/Loop/Scan bodies quantized: none of their quantizable values was computed on the calibration samples (a branch never taken) or is float";
            var weightsAccuracy = budget.CompareAsWritten(reference, floatBodies, state.Validation!, state.Profile, state.Ranges);
            // The main graph alone may miss the budget (the accuracy fallback fixes that next): the bodies' weights are
            // judged by what they change, against the same model with float bodies.
            var bodiesFloat = budget.CompareAsWritten(reference, quantized, state.Validation!, state.Profile, state.Ranges);
            if (!budget.Meets(weightsAccuracy) && !NoWorse(weightsAccuracy, bodiesFloat))
            {
                state.Context.Notes.Add($"{none}; their weights stay float too (int8: {budget.Worst(weightsAccuracy)})");
                return (quantized, summary);
            }

            state.Quantization = options;
            state.Context.Notes.Add($"{none}; their weights are int8, computed in float (a body the validation samples never run is not checked by them)");
            return (floatBodies, floatSummary);
        }

        var accuracy = budget.CompareAsWritten(reference, quantized, state.Validation!, state.Profile, state.Ranges);
        var count = summary.BodyActivations.Count;
        if (!budget.Meets(accuracy))
        {
            var why = $"quantized they miss the accuracy budget ({budget.Worst(accuracy)})";
            var floatAccuracy = budget.CompareAsWritten(reference, floatBodies, state.Validation!, state.Profile, state.Ranges);
            state.Quantization = options;
            // Float activations on int8 weights: what the accuracy fallback starts from when that misses too. It ranks the
            // bodies' weights with the main graph's places and keeps float what the budget needs, nothing more.
            state.Context.Notes.Add(budget.Meets(floatAccuracy)
                ? $"{count} activation(s) inside If/Loop/Scan bodies kept float (int8 weights): {why}"
                : $"{count} activation(s) inside If/Loop/Scan bodies kept float (int8 weights): {why}, and with float activations {budget.Worst(floatAccuracy)}: the accuracy fallback ranks the bodies' weights with the main graph's places");
            return (floatBodies, floatSummary);
        }

        // A "faster" verdict is measured twice and must hold both times: a body that runs in microseconds (the 8-channel
        // If body, 1.09-1.17x alone) once measured under 0.97x with other processes on the cores, and a fluke must not
        // decide the bytes. A real gain (the conv-heavy bodies, 0.32-0.41x) holds in both.
        var ratios = new List<double> { MeasureRatio(state, floatBodies, quantized) };
        if (ratios[0] <= 1 - MinGain) ratios.Add(MeasureRatio(state, floatBodies, quantized));
        var ratio = ratios.Max();
        var text = string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}x the latency of float bodies (median of interleaved pairs on {state.Profile.Id} session settings)");
        if (ratio <= 1 - MinGain)
        {
            state.Context.Notes.Add($"{count} activation(s) inside If/Loop/Scan bodies quantized: {text}");
            return (quantized, summary);
        }

        state.Quantization = options;
        state.Context.Notes.Add($"{count} activation(s) inside If/Loop/Scan bodies kept float (int8 weights): quantized they ran at {text}, not faster by {MinGain:P0}");
        return (floatBodies, floatSummary);
    }

    /// <summary>Every output of <paramref name="candidate"/> within <see cref="SameDb"/> of <paramref name="baseline"/>'s.</summary>
    private static bool NoWorse(IReadOnlyList<OutputComparison> candidate, IReadOnlyList<OutputComparison> baseline) =>
        candidate.All(c => baseline.FirstOrDefault(b => b.Name == c.Name) is { } b && c.SqnrDb >= b.SqnrDb - SameDb);

    /// <summary>SQNR differences below this are rounding noise of the comparison, not damage.</summary>
    private const double SameDb = 0.5;

    /// <summary>Latency of <paramref name="candidate"/> over <paramref name="baseline"/>, each as it will be written (float-read weights as Cast→Mul).</summary>
    private static double MeasureRatio(PipelineState state, ModelProto baseline, ModelProto candidate)
    {
        var threads = state.Profile.Session.IntraOpThreads is > 0 and var t ? Math.Min(t, Environment.ProcessorCount) : Environment.ProcessorCount;
        var samples = state.Validation!.Read().Take(MaxSamples).ToList();
        var result = PairedBenchmark.Run(FloatOpWeightsAsCastMul.AsWritten(baseline), FloatOpWeightsAsCastMul.AsWritten(candidate), samples,
            () => Sessions.Options(state.Profile, threads), () => Sessions.Options(state.Profile, threads), Iterations);
        return result.MedianRatio;
    }
}
