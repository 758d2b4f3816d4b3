using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="CorrectWeightBiasStep"/>: the item's Preprocess, which says how the model expects its images scaled (null: unknown).</summary>
public sealed record CorrectWeightBiasSettings(string? Preprocess);

/// <summary>
/// After <see cref="CompressWeightsInt8Step"/>: each compressed layer's bias absorbs the mean shift its rounded weights
/// cause (<see cref="DataFreeBiasCorrection"/>), measured on the made-up inputs, so no data is needed and validation data
/// stays held out. Made-up images are scaled as the item's Preprocess scales real ones; without one they are measured in
/// three scalings and only the shift they agree on is applied (<see cref="SyntheticSamples.InImageScalings"/>). Without
/// made-up inputs nothing is corrected, and the note says so.
/// </summary>
internal sealed class CorrectWeightBiasStep : PipelineStep<CorrectWeightBiasSettings>
{
    public override string Id => PlanStepIds.CorrectWeightBias;

    protected override void Run(PipelineState state, CorrectWeightBiasSettings settings)
    {
        if (state.SyntheticSamples is not { } samples)
        {
            state.Context.Notes.Add("weight rounding bias not corrected: the inputs cannot be made up");
            return;
        }

        var scaledAsGiven = settings.Preprocess is { } spec && ImagePreprocessing.Parse(spec) is { ChannelCount: 3 } preprocessing
            ? SyntheticSamples.AsPreprocessed(samples, preprocessing)
            : null;
        var sets = scaledAsGiven is not null ? [scaledAsGiven] : SyntheticSamples.InImageScalings(samples);
        var measuredOn = $"{samples.Count} made-up samples" + (scaledAsGiven is not null ? ", images scaled as Preprocess says"
            : sets.Count > 1 ? $", their images scaled {sets.Count} ways; applied as far as all agree" : "");
        state.Report("correct-bias", $"measuring mean inputs on {measuredOn}");
        var result = DataFreeBiasCorrection.Run(state.Reference!, state.Model, sets);
        state.Context.Notes.Add($"weight rounding bias corrected in {result.Corrected} layer(s) (mean inputs measured on {measuredOn})"
            + (result.Skipped > 0 ? $"; {result.Skipped} compressed weight(s) left as they are (inside a body, shared, or no bias to carry it)" : ""));
    }
}
