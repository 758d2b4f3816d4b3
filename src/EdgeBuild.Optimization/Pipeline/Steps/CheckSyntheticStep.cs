using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="CheckSyntheticStep"/>: below this SQNR on made-up inputs the model is broken.</summary>
public sealed record CheckSyntheticSettings(double BrokenBelowDb);

/// <summary>
/// The check without data (<see cref="SyntheticCheck"/>), on the bytes that are written: the optimized model against
/// the original on made-up inputs. Fails the build (EDGE0201) when the model breaks (NaN, wildly different outputs); its
/// figures are a smoke test, and the notes and report say so, never an accuracy measurement.
/// </summary>
internal sealed class CheckSyntheticStep : PipelineStep<CheckSyntheticSettings>
{
    public override string Id => PlanStepIds.CheckSynthetic;

    protected override void Run(PipelineState state, CheckSyntheticSettings settings)
    {
        if (state.SyntheticSamples is not { } samples) return; // the synthesize step noted why
        var check = SyntheticCheck.Run(state.ReferenceBytes, state.Model.ToByteArray(), samples, settings.BrokenBelowDb);
        state.Accuracy = check.Outputs;
        state.AccuracyIsSynthetic = true;
        state.Context.Notes.Add(check.Message);
        if (!check.Passed)
        {
            throw new AccuracyBudgetException(state.Request.ModelPath,
                $"the optimized model breaks on made-up inputs ({check.Message})",
                "Give ValidationData so the real figure decides, keep the failing nodes in float with ExcludeNodes, or use precision fp16",
                check.Outputs.Select(o => $"{o.Name}: SQNR {o.SqnrDb:F1} dB on made-up inputs (worst sample {o.WorstSampleSqnrDb:F1} dB)").ToList());
        }
    }
}
