using System.Globalization;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Verification;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="CompressRemainingWeightsStep"/>.</summary>
/// <param name="MinElements">Smaller weights stay float (as in the data-free default).</param>
public sealed record CompressRemainingWeightsSettings(int MinElements);

/// <summary>
/// The static plan's Q/DQ covers the ops with integer kernels; the weights of the rest (LSTM/GRU/RNN cells, embedding
/// tables, a Conv whose parameters ORT's integer kernel refuses) stayed float32, so a calibrated build of a recurrent
/// model came out larger than the data-free one line (Silero VAD legacy: 0.75x against 0.31x). Here they get the data-free
/// form (<see cref="DataFreeWeightCompression"/>: int8 per channel, Cast→Mul, float kernels), checked against the budget
/// on the validation samples; int16 where int8 misses it, float32 where both do. The nodes the quantizer was told to
/// leave float (the user's ExcludeNodes, the accuracy fallback's float nodes) keep their weights as they are.
/// </summary>
internal sealed class CompressRemainingWeightsStep : PipelineStep<CompressRemainingWeightsSettings>
{
    public override string Id => PlanStepIds.CompressRemainingWeights;

    protected override void Run(PipelineState state, CompressRemainingWeightsSettings settings)
    {
        // The user's ExcludeNodes and the fallback's float nodes: the quantizer was told to leave both float.
        var excluded = (state.QuantizationSummary ?? throw new InvalidOperationException("quantize-qdq runs before compress-remaining-weights")).ExcludedNodes;
        var options = new DataFreeWeightCompression.Options(settings.MinElements, ExcludeNodes: excluded.ToHashSet(StringComparer.Ordinal));
        var budget = state.AccuracyBudget ?? throw new InvalidOperationException("exclude-sensitive-nodes sets the budget before compress-remaining-weights");
        var reference = state.ReferenceOutputs ??= ReferenceOutputs.Of(state.ReferenceBytes, state.Validation!);
        var tried = new List<string>();
        foreach (var (form, formOptions) in new[] { ("int8", options), ("int16", options with { Int16Share = 1 }) })
        {
            var candidate = state.Model.Clone();
            var result = DataFreeWeightCompression.Run(candidate, formOptions);
            if (result.Tensors == 0) return; // nothing left float32 that a weight slot reads
            state.Report(Id, $"{result.Tensors} weight tensor(s) no integer kernel reads: checking them as {form}");
            var accuracy = budget.CompareAsWritten(reference, candidate, state.Validation!, state.Profile, state.Ranges);
            if (budget.Meets(accuracy))
            {
                state.Model = candidate;
                state.Accuracy = accuracy;
                state.Context.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Tensors} weight tensor(s) no integer kernel reads{(result.InSubgraphs > 0 ? $" ({result.InSubgraphs} in If/Loop/Scan bodies)" : "")} stored {form} per channel, computed in float (Cast→Mul): {ByteSize.Format(result.BytesBefore)} → {ByteSize.Format(result.BytesAfter)}; {budget.Worst(accuracy)}")
                    + (tried.Count > 0 ? $" (int8 missed: {tried[0]})" : ""));
                return;
            }

            tried.Add(budget.Worst(accuracy));
        }

        state.Context.Notes.Add($"weights no integer kernel reads kept float32: as int8 {tried[0]}, as int16 {tried[1]}");
    }
}
