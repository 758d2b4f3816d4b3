using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Evaluates every node whose inputs are all constants, once, by running the constant part of the graph
/// in ONNX Runtime (so folding computes exactly what the runtime would), and replaces the values the rest
/// of the graph reads by initializers.
/// </summary>
public sealed class ConstantFoldingPass : IGraphPass
{
    /// <summary>Random ops differ per run; folding them would freeze one draw.</summary>
    private static readonly HashSet<string> Nondeterministic = ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"];

    /// <summary>
    /// Folding DequantizeLinear or a widening Cast of a weight would expand compact (int8/fp16) weights back
    /// to float32, undoing a compression.
    /// </summary>
    private static readonly HashSet<string> KeepCompact = ["DequantizeLinear"];

    /// <summary>Results larger than this and larger than their inputs are left unfolded (Expand/Tile/ConstantOfShape blow-ups).</summary>
    private const long MaxGrowthBytes = 1 << 20;

    public string Name => "constant-folding";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var foldable = FindFoldable(graph);
        if (foldable.Count == 0) return 0;

        var foldableSet = new HashSet<NodeProto>(foldable, ReferenceEqualityComparer.Instance);
        var needed = foldable
            .SelectMany(n => n.Output)
            .Where(o => o.Length > 0 && graph.Consumers(o).Any(c => !foldableSet.Contains(c)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (needed.Count == 0) return 0;

        var values = Evaluate(graph, context, foldable, needed);
        var changes = 0;
        foreach (var name in needed)
        {
            if (!values.TryGetValue(name, out var tensor)) continue;
            var producer = graph.Producer(name)!;
            if (Grows(graph, producer, tensor)) continue;

            graph.SetOutput(producer, producer.Output.IndexOf(name), "");
            graph.AddInitializer(tensor);
            changes++;
        }

        return changes;
    }

    private static List<NodeProto> FindFoldable(OnnxGraph graph)
    {
        var constantValues = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<NodeProto>();
        foreach (var node in graph.TopologicalOrder())
        {
            if (!IsCandidate(graph, node)) continue;
            if (!node.Input.All(i => i.Length == 0 || graph.IsConstant(i) || constantValues.Contains(i))) continue;
            result.Add(node);
            foreach (var o in node.Output) constantValues.Add(o);
        }

        return result;
    }

    private static bool IsCandidate(OnnxGraph graph, NodeProto node) =>
        NodeKind.IsStandard(node)
        && node.Input.Any(i => i.Length > 0)
        && !Nondeterministic.Contains(node.OpType)
        && !KeepCompact.Contains(node.OpType)
        && !IsWideningCastOfWeight(graph, node)
        && !IsDequantizeScaleProduct(graph, node)
        && !NodeKind.HasSubgraphs(node)
        && !node.Output.Any(graph.IsGraphOutput);

    private static bool IsWideningCastOfWeight(OnnxGraph graph, NodeProto node) =>
        node.OpType == "Cast"
        && graph.Initializer(node.Input[0]) is { } weight
        && DType.SizeOf(weight.DataType) < DType.SizeOf((int)Attributes.GetInt(node, "to", 0));

    /// <summary>
    /// A Mul read only as the scale of DequantizeLinear nodes: the quantizer writes int32 bias scales s_x·s_w this
    /// way on purpose (the product is a float per channel that both factors already determine); folding would
    /// store it again. ORT folds it itself when it loads the model.
    /// </summary>
    private static bool IsDequantizeScaleProduct(OnnxGraph graph, NodeProto node) =>
        node.OpType == "Mul"
        && node.Output.Count == 1
        && graph.Consumers(node.Output[0]) is { Count: > 0 } readers
        && readers.All(r => r.OpType == "DequantizeLinear" && r.Input.IndexOf(node.Output[0]) == 1 && r.Input.Count(i => i == node.Output[0]) == 1);

    private static bool Grows(OnnxGraph graph, NodeProto producer, TensorProto result)
    {
        var resultBytes = result.RawData.Length;
        if (resultBytes <= MaxGrowthBytes) return false;
        var inputBytes = producer.Input.Where(graph.IsInitializer).Sum(i => (long)graph.Initializer(i)!.CalculateSize());
        return resultBytes > inputBytes;
    }

    private static Dictionary<string, TensorProto> Evaluate(OnnxGraph graph, PassContext context, List<NodeProto> nodes, List<string> outputs)
    {
        var sub = new GraphProto { Name = "constant_subgraph" };
        sub.Node.AddRange(nodes.Select(n => n.Clone()));
        var inputs = nodes.SelectMany(n => n.Input).Where(graph.IsInitializer).Distinct(StringComparer.Ordinal);
        sub.Initializer.AddRange(inputs.Select(i => graph.Initializer(i)!));
        foreach (var o in outputs)
        {
            var declared = graph.ValueInfo(o);
            sub.Output.Add(declared?.Clone() ?? new ValueInfoProto { Name = o });
        }

        var model = new ModelProto { IrVersion = context.Model.IrVersion, Graph = sub };
        model.OpsetImport.AddRange(context.Model.OpsetImport);

        var result = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        try
        {
            using var options = Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL, intraOpThreads: 1);
            using var session = new InferenceSession(model.ToByteArray(), options);
            using var runOptions = new RunOptions();
            using var values = session.Run(runOptions, Array.Empty<string>(), Array.Empty<OrtValue>(), outputs);
            for (var i = 0; i < outputs.Count; i++)
            {
                if (!values[i].IsTensor) continue;
                if (OrtTensors.ToTensorProto(values[i], outputs[i]) is { } tensor) result[outputs[i]] = tensor;
            }
        }
        catch (OnnxRuntimeException e)
        {
            // ORT could not run the constant part (an op it lacks, a type it refuses): leave it unfolded.
            context.Notes.Add($"constant folding skipped {nodes.Count} node(s): {FirstLine(e.Message)}");
        }

        return result;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
