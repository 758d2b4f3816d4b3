using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Optimization.Verification;

/// <summary>
/// Per-layer error for the report's chart: runs the float model and the optimized one on one sample with
/// the chosen nodes' outputs exposed as graph outputs, and gives the SQNR of each node's output against
/// the float model's value of the same name. Independent of how the optimized model was made: it only
/// needs the two models to share tensor names (the optimizer compacts names after this comparison).
/// </summary>
public static class LayerComparison
{
    /// <summary>Exposed tensors per run: bounds how many intermediate values ORT holds at once.</summary>
    private const int BatchSize = 32;

    /// <param name="reference">The float model the candidate was made from.</param>
    /// <param name="candidate">The optimized model, before names are compacted.</param>
    /// <param name="nodeNames">Candidate nodes to compare (e.g. the quantized ones); the chart keeps graph order.</param>
    /// <param name="sample">One input sample both models run on.</param>
    public static IReadOnlyList<LayerError> Compare(ModelProto reference, ModelProto candidate, IEnumerable<string> nodeNames, Sample sample)
    {
        var wanted = nodeNames.ToHashSet(StringComparer.Ordinal);
        var referenceValues = reference.Graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        var layers = candidate.Graph.Node
            .Where(n => wanted.Contains(n.Name) && n.Output.Count > 0 && referenceValues.Contains(n.Output[0]))
            .Select(n => (Node: n.Name, n.OpType, Tensor: n.Output[0]))
            .ToList();
        if (layers.Count == 0) return [];

        var tensors = layers.Select(l => l.Tensor).Distinct(StringComparer.Ordinal).ToList();
        var sqnr = new Dictionary<string, double>(StringComparer.Ordinal);
        using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_ENABLE_BASIC);
        using var a = new InferenceSession(Calibrator.Augment(reference, tensors).ToByteArray(), options);
        using var b = new InferenceSession(Calibrator.Augment(candidate, tensors).ToByteArray(), options);
        foreach (var batch in tensors.Chunk(BatchSize))
        {
            using var ra = Sessions.Run(a, sample, batch);
            using var rb = Sessions.Run(b, sample, batch);
            for (var i = 0; i < batch.Length; i++)
            {
                if (ra[i].GetTensorTypeAndShape().ElementDataType != TensorElementType.Float
                    || rb[i].GetTensorTypeAndShape().ElementDataType != TensorElementType.Float) continue;
                var comparison = new OutputComparison(batch[i]);
                comparison.Add(ra[i].GetTensorDataAsSpan<float>(), rb[i].GetTensorDataAsSpan<float>(), []);
                sqnr[batch[i]] = comparison.SqnrDb;
            }
        }

        return layers.Where(l => sqnr.ContainsKey(l.Tensor)).Select(l => new LayerError(l.Node, l.OpType, sqnr[l.Tensor])).ToList();
    }
}
