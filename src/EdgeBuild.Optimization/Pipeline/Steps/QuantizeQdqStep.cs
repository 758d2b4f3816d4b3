using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Quantization;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="QuantizeQdqStep"/>: the int8 encoding, from the profile (or uint8 when asked).</summary>
public sealed record QuantizeQdqSettings(
    QuantScheme Scheme,
    QuantType ActivationType,
    QuantType WeightType,
    bool PerChannel,
    bool SymmetricWeights,
    bool SymmetricActivations,
    bool ReduceRange,
    IReadOnlyList<string> ExcludeNodes);

/// <summary>
/// Static QDQ quantization on the calibrated ranges (<see cref="QdqQuantizer"/>), inside If/Loop/Scan bodies where
/// that is faster (<see cref="BodyActivationChoice"/>); the exclude-sensitive-nodes step
/// checks it against the accuracy budget (it knows the task metrics) and acts on that check.
/// </summary>
internal sealed class QuantizeQdqStep : PipelineStep<QuantizeQdqSettings>
{
    public override string Id => PlanStepIds.QuantizeQdq;

    protected override void Run(PipelineState state, QuantizeQdqSettings settings)
    {
        if (!settings.SymmetricWeights)
            throw new NotSupportedException("asymmetric int8 weights are not implemented: the quantizer writes symmetric weights; set \"symmetricWeights\": true in the profile");

        var options = (state.Quantization ?? throw new InvalidOperationException("the calibrate step runs before quantize-qdq")) with
        {
            SignedActivations = settings.ActivationType == QuantType.Int8,
            SignedWeights = settings.WeightType == QuantType.Int8,
            PerChannel = settings.PerChannel,
            SymmetricActivations = settings.SymmetricActivations,
            ReduceRange = settings.ReduceRange,
            ExcludeNodes = settings.ExcludeNodes.ToHashSet(StringComparer.Ordinal),
        };
        state.Quantization = options;

        var attempt = state.Reference!.Clone();
        var summary = QdqQuantizer.Quantize(attempt, state.Calibration!, options, state.Ranges, state.Request.Progress);
        if (summary.KeptFloat.Count > 0)
        {
            state.Context.Notes.Add($"{summary.KeptFloat.Count} node(s) kept float: ONNX Runtime's integer kernel refuses their calibrated parameters ("
                + string.Join("; ", summary.KeptFloat.Select(k => $"{k.Node} ({k.OpType}): {k.Reason}"))
                + "); ranges that extreme usually mean wild weights: check the model's weights");
        }

        (state.Model, state.QuantizationSummary) = BodyActivationChoice.Choose(state, attempt, summary);
    }
}
