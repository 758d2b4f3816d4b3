using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Quantization;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="CalibrateStep"/>.</summary>
/// <param name="Method">How a tensor's range is chosen from its streamed statistics.</param>
/// <param name="Data">The calibration samples (file, folder or glob).</param>
/// <param name="ValidationData">Held-out samples for every check; null holds out every 4th calibration sample instead.</param>
/// <param name="Preprocess">How images are prepared as the app does (ImagePreprocessing), or null.</param>
public sealed record CalibrateSettings(CalibrationMethod Method, string Data, string? ValidationData, string? Preprocess);

/// <summary>
/// Opens the calibration and validation samples, checks the source model runs on them, and measures the range of
/// every activation tensor the quantizer could touch, streamed (memory independent of the number of samples). The
/// quantize and fallback steps reuse these ranges instead of calibrating again.
/// </summary>
internal sealed class CalibrateStep : PipelineStep<CalibrateSettings>
{
    public override string Id => PlanStepIds.Calibrate;

    protected override void Run(PipelineState state, CalibrateSettings settings)
    {
        var reference = state.Reference!;
        // Calibration and verification hand the float model to ORT from memory, which protobuf caps at 2 GB.
        if (reference.CalculateSize() is < 0 or >= int.MaxValue)
            throw new NotSupportedException($"int8 quantization of models whose protobuf exceeds 2 GB is not supported yet ({state.Request.ModelPath}); use --precision none");

        var inputs = SampleSource.InputsOf(reference);
        var preprocessing = settings.Preprocess is null ? null : ImagePreprocessing.Parse(settings.Preprocess);
        var calibration = SampleSource.Open(settings.Data, inputs, preprocessing);
        SampleSource validation;
        if (settings.ValidationData is not null) validation = SampleSource.Open(settings.ValidationData, inputs, preprocessing);
        else
        {
            (calibration, validation) = calibration.SplitForValidation();
            state.Context.Notes.Add($"no --validation-data: {validation.Count} of {calibration.Count + validation.Count} samples held out for validation (every 4th in sorted order)");
        }

        if (calibration.Read().FirstOrDefault() is { } first) SourceModelCheck.EnsureRuns(state.ReferenceBytes, first, state.Request.ModelPath);
        state.Calibration = calibration;
        state.Validation = validation;
        state.Quantization = new QuantizationOptions { Calibration = settings.Method };
        QdqQuantizer.Calibrate(reference, calibration, state.Quantization, state.Ranges, state.Request.Progress);
    }
}
