using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Verification;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// The report's per-layer error: <see cref="LayerComparison"/> of the quantized nodes on the first validation sample.
/// Best effort: the chart is for people, so a model ORT cannot run with intermediate outputs exposed gets a note.
/// </summary>
internal sealed class MeasureLayerErrorStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.MeasureLayerError;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        var nodes = state.QuantizationSummary?.QuantizedNodes ?? [];
        if (nodes.Count == 0 || state.Validation?.Read().FirstOrDefault() is not { } sample) return;
        try
        {
            state.Layers = LayerComparison.Compare(state.Reference!, state.Model, nodes, sample);
        }
        catch (OnnxRuntimeException e)
        {
            state.Context.Notes.Add($"per-layer error not measured: ONNX Runtime could not run the models with intermediate outputs exposed ({e.Message})");
        }
    }
}
