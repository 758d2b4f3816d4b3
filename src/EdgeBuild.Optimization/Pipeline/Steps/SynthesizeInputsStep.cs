using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="SynthesizeInputsStep"/>: how many made-up samples, from which seed, and the user's values for integer inputs ("NAME=V,V;…" or null).</summary>
public sealed record SynthesizeInputsSettings(int Count, int Seed, string? Values);

/// <summary>
/// Inputs made up from the declared dims and element types (<see cref="SyntheticSamples"/>: image-like images, zero
/// recurrent state, integer inputs the model compares with constants), for the data-free plan's sensitivity search and
/// its check when the user gave no validation data. Seeded: the same model gives the same samples. A model whose inputs
/// cannot be made up (strings, an integer input nothing constrains) still builds: the search and the check are skipped,
/// and the notes and the data-free warning say so.
/// </summary>
internal sealed class SynthesizeInputsStep : PipelineStep<SynthesizeInputsSettings>
{
    public override string Id => PlanStepIds.SynthesizeInputs;

    protected override void Run(PipelineState state, SynthesizeInputsSettings settings)
    {
        var values = SyntheticSamples.ParseValues(settings.Values, state.Request.ModelPath);
        try
        {
            state.SyntheticSamples = SyntheticSamples.Create(state.Reference!, state.Request.Dims, state.Profile.DimDefaults, new SyntheticSamples.Options(settings.Count, settings.Seed, values));
        }
        catch (ArgumentException e)
        {
            if (state.Request.ValidationData is not null) return; // only the bias correction needed them: it says so
            state.SyntheticSamplesMissing = $"not checked: no data was given and inputs cannot be made up ({e.Message})";
            state.Context.Notes.Add(state.SyntheticSamplesMissing);
        }
    }
}
