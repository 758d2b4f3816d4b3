using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Quantization.Operators;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Static int8 quantization in QDQ format. The driver walks the graph, asks <see cref="OperatorQuantizers"/>
/// how each node is quantized, calibrates the activations those plans need, and inserts one shared
/// QuantizeLinear→DequantizeLinear pair per activation tensor (on the inputs AND outputs of quantized nodes, so
/// ONNX Runtime can fuse DQ→op→Q into QLinearConv/QLinearMatMul/QLinearAdd ...), int8 weights with a
/// DequantizeLinear, and int32 biases with scale s_input·s_weight.
/// </summary>
public static class QdqQuantizer
{
    public static QuantizationSummary Quantize(ModelProto model, SampleSource calibration, QuantizationOptions options) =>
        Quantize(model, calibration, options, new Dictionary<string, TensorRange>(StringComparer.Ordinal));

    /// <summary>
    /// Quantizes <paramref name="model"/> in place. <paramref name="rangeCache"/> holds ranges already measured
    /// for this model (the accuracy fallback re-quantizes with fewer nodes without calibrating again); new
    /// measurements are added to it.
    /// </summary>
    public static QuantizationSummary Quantize(ModelProto model, SampleSource calibration, QuantizationOptions options, Dictionary<string, TensorRange> rangeCache,
        IProgress<Reporting.ProgressEvent>? progress = null)
    {
        var context = new PassContext(model);
        Prepare(model, new OnnxGraph(model.Graph), calibration, options, context);
        var copies = BodyConstants.Localize(model.Graph);
        var scopes = PlanScopes(model, options);
        CollectMissingRanges(model, scopes, calibration, options, rangeCache, progress);
        var ranges = rangeCache;

        var quantizedNodes = new List<string>();
        var activations = new Dictionary<string, QuantParams>(StringComparer.Ordinal);
        var bodyActivations = new List<string>();
        var keptFloat = new List<KernelRefusal>();
        foreach (var scope in scopes)
        {
            // With bodies, a fresh view per graph: its new names must avoid those of every graph, including the ones just added.
            var graph = scopes.Count > 1 ? ControlFlowBodies.View(scope.Graph, model.Graph) : new OnnxGraph(scope.Graph);
            var plans = scope.Plans;
            // Drop plans whose activations turned out not to be float (shape arithmetic on int64, for example) or were
            // never computed on the calibration data (a branch never taken).
            foreach (var (node, plan) in plans.ToList())
            {
                if (TensorsOf(node, plan).Any(t => !IsFloat(graph, ranges, t))) plans.Remove(node);
            }

            var emitter = PrepareWithinKernelLimits(graph, plans, options, ranges, keptFloat);
            emitter.Emit(plans);
            if (scope.IsBody) graph.SortTopologically();
            quantizedNodes.AddRange(plans.Keys.Select(n => n.Name));
            foreach (var (tensor, p) in emitter.QuantizedTensors)
            {
                activations[tensor] = p;
                if (scope.IsBody) bodyActivations.Add(tensor);
            }
        }

        BodyConstants.Restore(copies);
        CleanupPipeline.Run(new OnnxGraph(model.Graph), context);
        return new QuantizationSummary(quantizedNodes.Order(StringComparer.Ordinal).ToList(), activations)
        {
            BodyActivations = bodyActivations.Order(StringComparer.Ordinal).ToList(),
            KeptFloat = keptFloat,
            ExcludedNodes = options.ExcludeNodes.Order(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>
    /// Decides every planned tensor's parameters; a node whose integer kernel would refuse them at run time
    /// (<see cref="KernelLimits"/>) loses its plan and its output pair, so ORT finds no DQ→op→Q to fuse and runs it
    /// in float, and is listed in <paramref name="keptFloat"/>. Repeats until no node is refused: dropping pairs can
    /// change parameters shared through pass-through ops. Deterministic: the limits are checked here, nothing is run.
    /// </summary>
    private static QdqEmitter PrepareWithinKernelLimits(OnnxGraph graph, Dictionary<NodeProto, NodeQuantization> plans, QuantizationOptions options,
        IReadOnlyDictionary<string, TensorRange> ranges, List<KernelRefusal> keptFloat)
    {
        var withoutPair = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var emitter = new QdqEmitter(graph, options, ranges);
            var quantizedTensors = SelectActivationTensors(graph, plans);
            quantizedTensors.ExceptWith(withoutPair);
            foreach (var node in graph.TopologicalOrder())
            {
                if (!plans.TryGetValue(node, out var plan)) continue;
                emitter.Prepare(node, plan, quantizedTensors);
            }

            var refused = new List<(NodeProto Node, string Reason)>();
            foreach (var node in plans.Keys)
            {
                var tensors = emitter.QuantizedTensors;
                if (node.Input.Count == 0 || node.Output.Count == 0 || !tensors.TryGetValue(node.Input[0], out var x) || !tensors.TryGetValue(node.Output[0], out var y)) continue;
                if (KernelLimits.Refusal(node, x, y, ranges.GetValueOrDefault(node.Input[0])) is { } reason) refused.Add((node, reason));
            }

            if (refused.Count == 0) return emitter;
            foreach (var (node, reason) in refused)
            {
                plans.Remove(node);
                keptFloat.Add(new KernelRefusal(node.Name, node.OpType, reason));
                // ORT moves a Q back over data-movement ops and removes a Relu/Clip into the Q after it: a pair after
                // GAP→Reshape or GAP→Relu would still close DQ→GAP→Q.
                var pending = new Stack<string>([node.Output[0]]);
                while (pending.TryPop(out var tensor))
                {
                    if (!withoutPair.Add(tensor)) continue;
                    foreach (var reader in graph.Consumers(tensor).Where(r => (DqPropagatesThrough.Contains(r.OpType) || r.OpType is "Relu" or "Clip") && r.Output.Count > 0))
                        pending.Push(reader.Output[0]);
                }
            }
        }
    }

    /// <summary>
    /// Measures, into <paramref name="rangeCache"/>, the ranges of every activation tensor that quantizing
    /// <paramref name="model"/> with <paramref name="options"/> needs; the model itself is not changed. Ranges are per
    /// tensor, so quantizing later with fewer nodes (exclusions, float activations) finds all it needs here.
    /// </summary>
    public static void Calibrate(ModelProto model, SampleSource calibration, QuantizationOptions options, Dictionary<string, TensorRange> rangeCache,
        IProgress<Reporting.ProgressEvent>? progress = null)
    {
        var prepared = model.Clone();
        Prepare(prepared, new OnnxGraph(prepared.Graph), calibration, options, new PassContext(prepared));
        BodyConstants.Localize(prepared.Graph);
        // Bodies' activations are measured even when they will be kept float: the choice between the two is made on both.
        CollectMissingRanges(prepared, PlanScopes(prepared, options with { FloatBodyActivations = false }), calibration, options, rangeCache, progress);
    }

    /// <summary>One graph's plans: the main graph first, then every If/Loop/Scan body (each quantized as a graph of its own).</summary>
    private sealed record Scope(GraphProto Graph, bool IsBody, Dictionary<NodeProto, NodeQuantization> Plans);

    private static List<Scope> PlanScopes(ModelProto model, QuantizationOptions options)
    {
        var scopes = new List<Scope> { new(model.Graph, false, PlanNodes(new OnnxGraph(model.Graph), options, inBody: false)) };
        foreach (var body in ControlFlowBodies.All(model.Graph)) scopes.Add(new Scope(body.Graph, true, PlanNodes(new OnnxGraph(body.Graph), options, inBody: true)));
        return scopes;
    }

    private static void CollectMissingRanges(ModelProto model, List<Scope> scopes, SampleSource calibration,
        QuantizationOptions options, Dictionary<string, TensorRange> rangeCache, IProgress<Reporting.ProgressEvent>? progress)
    {
        var candidates = new List<string>();
        foreach (var scope in scopes)
        {
            var graph = new OnnxGraph(scope.Graph);
            var plans = scope.Plans;
            candidates.AddRange(plans.SelectMany(p => TensorsOf(p.Key, p.Value))
                // Bias correction of Convs computed in float on int8 weights needs their input's channel means.
                .Concat(options.CorrectWeightBias ? plans.Where(p => p.Key.OpType == "Conv" && p.Value.Weights.Count > 0 && p.Value.ActivationInputs.Count == 0).Select(p => p.Key.Input[0]) : [])
                .Where(t => !graph.IsInitializer(t)));
        }

        var missing = candidates.Distinct(StringComparer.Ordinal).Where(c => !rangeCache.ContainsKey(c)).ToList();
        if (missing.Count == 0) return;
        foreach (var (name, range) in Calibrator.Collect(model, missing, calibration, options, progress)) rangeCache[name] = range;
    }

    /// <summary>
    /// The float rewrites quantization starts from: opset 13+, <see cref="PreQuantizationPasses"/>, cleanup, and
    /// (when <see cref="QuantizationOptions.EqualizeChannels"/>) channel equalization, which needs one calibration pass.
    /// Idempotent; callers that quantize the same model repeatedly prepare it once and turn equalization off.
    /// </summary>
    public static void Prepare(ModelProto model, SampleSource calibration, QuantizationOptions options, PassContext context) =>
        Prepare(model, new OnnxGraph(model.Graph), calibration, options, context);

    private static void Prepare(ModelProto model, OnnxGraph graph, SampleSource calibration, QuantizationOptions options, PassContext context)
    {
        OpsetUpgrade.To13(model, graph);
        foreach (var pass in PreQuantizationPasses) pass.Run(graph, context);
        CleanupPipeline.Run(graph, context);
        if (!options.EqualizeChannels) return;
        if (ChannelEqualization.Run(model, graph, calibration, context) > 0) CleanupPipeline.Run(graph, context);
    }

    /// <summary>
    /// Rewrites that are exact up to float rounding and leave fewer, better-placed tensors to quantize
    /// (fewer Q/DQ pairs: less rounding noise and fewer kernels), and fewer ops to run: the data-free plan runs them
    /// too (Pipeline/Steps/FoldAndFuseStep). Only run when quantizing.
    /// </summary>
    internal static readonly IGraphPass[] PreQuantizationPasses =
    [
        new HardSwishFusionPass(),
        new AffineFoldingPass(),
        new DivisionByConstantPass(),
        new MaxWithConstantPass(),
    ];

    private static Dictionary<NodeProto, NodeQuantization> PlanNodes(OnnxGraph graph, QuantizationOptions options, bool inBody)
    {
        var plans = new Dictionary<NodeProto, NodeQuantization>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.TopologicalOrder())
        {
            if (options.ExcludeNodes.Contains(node.Name) || options.ExcludeOpTypes.Contains(node.OpType)) continue;
            if (options.IncludeOpTypes.Count > 0 && !options.IncludeOpTypes.Contains(node.OpType)) continue;
            // A node writing a graph output gets no Q after it, so ORT cannot fuse it: quantizing its inputs would only add error.
            if (node.Output.Any(graph.IsGraphOutput)) continue;
            if (OperatorQuantizers.For(node.OpType, node.Domain)?.Plan(node, graph) is not { } plan) continue;
            if (options.FloatActivationNodes.Contains(node.Name) || (inBody && options.FloatBodyActivations))
            {
                // Weights only: no activation pair, no output pair, float bias (an int32 bias needs an input scale).
                if (plan.Weights.Count == 0) continue;
                plan = new NodeQuantization { Weights = plan.Weights, QuantizeOutput = false };
            }

            plans[node] = plan;
        }

        return plans;
    }

    /// <summary>Activation tensors a plan touches (inputs and, when quantized, the output).</summary>
    private static IEnumerable<string> TensorsOf(NodeProto node, NodeQuantization plan)
    {
        foreach (var i in plan.ActivationInputs) yield return node.Input[i];
        if (plan.QuantizeOutput && node.Output.Count > 0) yield return node.Output[0];
        if (plan.FoldsIntoProducer) yield return node.Input[0];
    }

    /// <summary>Ops ONNX Runtime's QDQ propagation moves a DequantizeLinear past (data movement only).</summary>
    private static readonly HashSet<string> DqPropagatesThrough = ["Transpose", "Reshape", "Squeeze", "Unsqueeze", "Flatten", "MaxPool", "Resize", "Slice", "Gather", "Expand"];

    /// <summary>Ops whose integer kernel is worth a Q after them even when every reader stays float.</summary>
    private static readonly HashSet<string> ComputeHeavy = ["Conv", "MatMul", "Gemm"];

    /// <summary>
    /// An output pair costs accuracy; it pays when a reader is quantized (the pair feeds its integer kernel) or the
    /// producer is compute-heavy (the Q lets ORT fuse it into QLinearConv/QLinearMatMul), also through a Relu/Clip
    /// folded into it (PP-OCR's last 3×3 Conv → Relu → float ConvTranspose otherwise ran as a float Conv).
    /// </summary>
    private static bool OutputPairPays(OnnxGraph graph, NodeProto node, Dictionary<NodeProto, NodeQuantization> plans) =>
        ComputeHeavy.Contains(node.OpType)
        || (plans[node].FoldsIntoProducer && graph.Producer(node.Input[0]) is { } producer && ComputeHeavy.Contains(producer.OpType) && plans.ContainsKey(producer))
        || graph.Consumers(node.Output[0]).Any(c => plans.TryGetValue(c, out var p) && (p.ActivationInputs.Count > 0 || p.FoldsIntoProducer));

    private static bool IsFloat(OnnxGraph graph, IReadOnlyDictionary<string, TensorRange> ranges, string tensor) =>
        graph.Initializer(tensor) is { } init ? init.DataType == DType.Float : ranges.TryGetValue(tensor, out var r) && r.ElementType == DType.Float;

    /// <summary>
    /// Tensors that get a Q→DQ pair: inputs and outputs of quantized nodes, except a producer's output that a
    /// folding Relu/Clip consumes (the pair goes after the clamp) and graph outputs' producers' outputs stay float.
    /// </summary>
    private static HashSet<string> SelectActivationTensors(OnnxGraph graph, Dictionary<NodeProto, NodeQuantization> plans)
    {
        var tensors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, plan) in plans)
        {
            foreach (var i in plan.ActivationInputs)
            {
                if (!graph.IsInitializer(node.Input[i])) tensors.Add(node.Input[i]);
            }

            if (plan.QuantizeOutput && !graph.IsGraphOutput(node.Output[0]) && OutputPairPays(graph, node, plans)) tensors.Add(node.Output[0]);
        }

        foreach (var (node, plan) in plans)
        {
            if (plan.FoldsIntoProducer) tensors.Remove(node.Input[0]);
        }

        // A value a nested If/Loop/Scan body also reads by name gets no pair: ORT's level-1 QDQ rewrites (removing a
        // Relu into its Q, for one) drop the producer's edges without the subgraph's implicit read, and ORT aborts on
        // the dangling edge (Silero VAD legacy: a Relu and a Transpose output read by the LSTM branch).
        // Nor does an output of such a node: ORT's QDQ rewrites around it abort the same way.
        foreach (var node in graph.Nodes.Where(NodeKind.HasSubgraphs))
        {
            foreach (var read in graph.InputsOf(node).Except(node.Input, StringComparer.Ordinal))
            {
                tensors.Remove(read);
                // ORT's QDQ propagation moves a DQ past a data-movement op, renaming its output: the same dangling edge.
                if (graph.Producer(read) is { } producer && DqPropagatesThrough.Contains(producer.OpType)) tensors.Remove(producer.Input[0]);
            }

            foreach (var output in node.Output) tensors.Remove(output);
        }

        return tensors;
    }
}

/// <summary>Which nodes were quantized and the parameters of every quantized activation.</summary>
public sealed record QuantizationSummary(IReadOnlyList<string> QuantizedNodes, IReadOnlyDictionary<string, QuantParams> Activations)
{
    /// <summary>Activations quantized inside If/Loop/Scan bodies (a subset of <see cref="Activations"/>).</summary>
    public IReadOnlyList<string> BodyActivations { get; init; } = [];

    /// <summary>Nodes left float because ONNX Runtime's integer kernel would refuse their parameters (<see cref="KernelLimits"/>).</summary>
    public IReadOnlyList<KernelRefusal> KeptFloat { get; init; } = [];

    /// <summary>Nodes the quantizer was told to leave float: the user's ExcludeNodes and the accuracy fallback's float nodes.</summary>
    public IReadOnlyList<string> ExcludedNodes { get; init; } = [];
}

/// <summary>A node quantization planned but left float, and why.</summary>
public sealed record KernelRefusal(string Node, string OpType, string Reason);
