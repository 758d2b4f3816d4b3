using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Planning;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="CompressWeightsInt8Step"/>.</summary>
/// <param name="MinElements">Smaller weights stay float.</param>
/// <param name="Int16Share">The smallest weights, together at most this share of the weight values, are int16 instead of int8.</param>
/// <param name="ExcludeNodes">Nodes whose weights stay float, as the user asked.</param>
/// <param name="SensitivityTargetDb">While the worst output on made-up inputs is below this, keep the weight that helps most in float.</param>
/// <param name="MaxFloatTensors">At most this many weights kept float by that search (each costs one compression and check per candidate).</param>
/// <param name="Int16BelowDb">When the worst output on made-up inputs stays under this even after the search, int8 breaks the model: every weight becomes int16 instead.</param>
/// <param name="MaxSearchAttempts">The search runs only when candidates × <paramref name="MaxFloatTensors"/> is at most this (its cost grows with both).</param>
/// <param name="SearchOnMadeUpInputs">Whether the sensitivity search and the int16 fallback run (on the made-up inputs): only without ValidationData, whose real verify then decides.</param>
public sealed record CompressWeightsInt8Settings(int MinElements, double Int16Share, IReadOnlyList<string> ExcludeNodes, double SensitivityTargetDb, int MaxFloatTensors, int MaxSearchAttempts, double Int16BelowDb, bool SearchOnMadeUpInputs);

/// <summary>
/// The data-free default (<see cref="DataFreeWeightCompression"/>): Conv/ConvTranspose/MatMul/Gemm, recurrent and
/// embedding weights to int8 per channel (int16 for small ones), computed in float (Cast→Mul, folded by ONNX Runtime at load), in the main graph
/// and every If/Loop/Scan body. The weights the made-up inputs show most sensitive stay float (<see cref="DataFreeSensitivity"/>).
/// </summary>
internal sealed class CompressWeightsInt8Step : PipelineStep<CompressWeightsInt8Settings>
{
    public override string Id => PlanStepIds.CompressWeightsInt8;

    protected override void Run(PipelineState state, CompressWeightsInt8Settings settings)
    {
        var options = new DataFreeWeightCompression.Options(settings.MinElements, ExcludeNodes: settings.ExcludeNodes.ToHashSet(StringComparer.Ordinal), Int16Share: settings.Int16Share);
        state.Report("compress", "int8 weights, data-free");
        var outcome = settings.SearchOnMadeUpInputs && state.SyntheticSamples is { } samples
            ? DataFreeSensitivity.Run(state.Model.ToByteArray(), samples, options, settings.SensitivityTargetDb, settings.MaxFloatTensors, settings.MaxSearchAttempts)
            : new DataFreeSensitivity.Outcome(state.Model, DataFreeWeightCompression.Run(state.Model, options), [], double.NaN);
        if (outcome.WorstSyntheticSqnrDb < settings.Int16BelowDb)
        {
            // int8 breaks this model (M-LSD: -1.4 dB made up, 9.8 dB on real photos); int16 keeps the one line working at
            // float16's size, 256 times finer per channel than int8 (M-LSD on held-out photos: scores 42.4 dB; float16 storage gave 16.4).
            state.Context.Notes.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"int8 weights break this model on made-up inputs ({outcome.WorstSyntheticSqnrDb:F1} dB, under {settings.Int16BelowDb} dB): every weight int16 instead"));
            var model = state.Model.Clone();
            outcome = new DataFreeSensitivity.Outcome(model, DataFreeWeightCompression.Run(model, options with { Int16Share = 1 }), [], double.NaN);
        }

        state.Model = outcome.Model;
        state.DataFreeWeights = outcome.Result;
        var result = outcome.Result;
        state.Context.Notes.Add($"data-free weights: {result.Tensors} tensor(s)" + (result.InSubgraphs > 0 ? $" ({result.InSubgraphs} inside If/Loop/Scan bodies)" : "")
            + (result.Int16 > 0 ? $", {result.Int16} small one(s) as int16" : "")
            + (result.Float16 > 0 ? $", {result.Float16} as float16" : "")
            + $", {Reporting.ByteSize.Format(result.BytesBefore)} → {Reporting.ByteSize.Format(result.BytesAfter)}"
            + (outcome.KeptFloat.Count > 0 ? $"; kept float by the sensitivity search on made-up inputs: {string.Join(", ", outcome.KeptFloat)}" : "")
            + (outcome.Skipped is { } why ? $"; no sensitivity search ({why})" : ""));
    }
}
