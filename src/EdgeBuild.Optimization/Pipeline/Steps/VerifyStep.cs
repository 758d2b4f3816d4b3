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
/// <param name="Accuracy">Task metrics per output (AccuracyMetrics syntax); outputs it does not name keep MinSqnrDb.</param>
public sealed record VerifySettings(double MinSqnrDb, string? Data, string? Preprocess, string? Accuracy = null);

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

        var budget = AccuracyBudget.From(settings.MinSqnrDb, settings.Accuracy, state.Request.ModelPath);
        state.AccuracyBudget = budget;
        state.Accuracy = budget.Compare(state.ReferenceBytes, state.Model.ToByteArray(), samples, state.Profile, state.Ranges, state.Request.Progress);
        budget.CheckOutputs(state.Accuracy.Select(a => a.Name).ToList(), state.Request.ModelPath);
        var results = budget.Results(state.Accuracy);
        if (results.Any(r => !r.Holds))
        {
            throw new AccuracyBudgetException(state.Request.ModelPath,
                $"{PlanValue.Of(state.Precision)} misses the accuracy budget ({budget.Describe()})",
                "Keep the worst nodes in float with --exclude-nodes, relax --accuracy / --min-sqnr, or use another precision",
                results.Select(r => r.ToString()).ToList());
        }
    }
}
