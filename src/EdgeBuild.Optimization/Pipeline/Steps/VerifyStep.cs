using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="VerifyStep"/>.</summary>
/// <param name="MinSqnrDb">Every float output's SQNR against the reference must reach this.</param>
/// <param name="Data">
/// Samples to check on; null means the validation samples the calibrate step opened (held out from calibration when
/// no validation data was given), or none at all when nothing was calibrated.
/// </param>
/// <param name="Preprocess">How images are prepared as the app does (ImagePreprocessing), or null.</param>
public sealed record VerifySettings(double MinSqnrDb, string? Data, string? Preprocess);

/// <summary>
/// The check CI relies on, run on the model exactly as it will be written (after every rewrite): every float output
/// against the cleaned-up original; below the budget fails the build (EDGE0201).
/// </summary>
internal sealed class VerifyStep : PipelineStep<VerifySettings>
{
    public override string Id => PlanStepIds.Verify;

    protected override void Run(PipelineState state, VerifySettings settings)
    {
        var samples = settings.Data is { } data
            ? SampleSource.Open(data, SampleSource.InputsOf(state.Reference!), settings.Preprocess is null ? null : ImagePreprocessing.Parse(settings.Preprocess))
            : state.Validation;
        if (samples is null)
        {
            state.Accuracy = [];
            state.Context.Notes.Add($"{PlanValue.Of(state.Precision)}: no --validation-data, accuracy not measured");
            return;
        }

        state.Accuracy = ModelVerifier.Compare(state.ReferenceBytes, state.Model.ToByteArray(), samples, state.Profile, state.Request.Progress);
        var failing = state.Accuracy.Where(a => !(a.SqnrDb >= settings.MinSqnrDb)).ToList();
        if (failing.Count > 0)
        {
            throw new AccuracyBudgetException(state.Request.ModelPath,
                $"{PlanValue.Of(state.Precision)} misses the accuracy budget of {settings.MinSqnrDb:0.#} dB",
                "Keep the worst nodes in float with --exclude-nodes, lower --min-sqnr, or use another precision",
                failing.Select(a => $"{a.Name}: SQNR {a.SqnrDb:F1} dB (worst sample {a.WorstSampleSqnrDb:F1} dB)").ToList());
        }
    }
}
