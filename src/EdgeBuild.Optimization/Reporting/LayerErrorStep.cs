using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Verification;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>
/// The report's per-layer error: <see cref="LayerComparison"/> on the first validation sample (the same
/// held-out sample the accuracy check uses when no --validation-data is given). Best effort: the chart is
/// for people, so a model ORT cannot run with intermediate outputs exposed gets a note, not a failure.
/// </summary>
internal static class LayerErrorStep
{
    public static (IReadOnlyList<LayerError> Layers, string? Note) Measure(ModelProto reference, ModelProto candidate, IReadOnlyList<string> nodes, OptimizeRequest request)
    {
        var data = request.ValidationData ?? request.CalibrationData;
        if (nodes.Count == 0 || data is null) return ([], null);
        var preprocessing = request.Preprocess is null ? null : ImagePreprocessing.Parse(request.Preprocess);
        var samples = SampleSource.Open(data, SampleSource.InputsOf(reference), preprocessing);
        if (request.ValidationData is null) samples = samples.SplitForValidation().Validation;
        try
        {
            return (LayerComparison.Compare(reference, candidate, nodes, samples.Read().First()), null);
        }
        catch (OnnxRuntimeException e)
        {
            return ([], $"per-layer error not measured: ONNX Runtime could not run the models with intermediate outputs exposed ({e.Message})");
        }
    }
}
