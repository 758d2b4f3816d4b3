using System.Globalization;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Benchmarking;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Runtime;
using Google.Protobuf;
using DeviceProfile = EdgeBuild.Optimization.Profiles.DeviceProfile;

namespace EdgeBuild.Optimization;

/// <summary>
/// What keeping a node in float costs in time, for the accuracy fallback's latency step: the multiply-accumulates (MACs)
/// of its Conv / ConvTranspose / MatMul / Gemm, priced by ONNX Runtime's profiler on this host.
/// <para>
/// Measured once per fallback, on one validation sample: one run for the shapes, then the float model and the fully
/// quantized model (the first attempt) each profiled over a warm-up and <see cref="ProfiledRuns"/> runs. For an S8S8
/// file for an ARM target measured on x64 the quantized model is timed as its U8S8 twin
/// (<see cref="UnsignedActivationTwin"/>), the kernels an x64 host runs fast, as the device does S8S8.
/// From the two profiles: float µs per MAC (float MAC kernels and their NCHWc reorders over the float model's MACs) and
/// integer µs per MAC (QLinearConv / QLinearMatMul / … over the MACs of the nodes quantized on both sides).
/// </para>
/// <para>
/// Why MACs and not each node's own measured time: a node's time moves ±20 % from run to run on a shared host, so a
/// ranking by it would change the chosen set, and with it the bytes written, between two builds of the same inputs;
/// and ORT renames the nodes it fuses (a float Conv+HardSwish becomes "&lt;output tensor&gt;_nchwc"), so matching them by
/// name is partial. MACs come from the graph, its If/Loop/Scan bodies included, and the shapes of one run (deterministic), and the latency step orders the
/// float places it hands back by MACs only: a measured µs/MAC would be one factor shared by every place, which cannot
/// reorder them. The profile only
/// prices the trade the notes show: even the per-MAC ratio moved from 0.75x to 1.19x between two runs of the detector on
/// this loaded 2-core host (classifier: 2.2x to 9.5x), so no decision, not even whether to use the cost, rests on it.
/// </para>
/// </summary>
internal sealed class FallbackLatencyCost
{
    private static readonly HashSet<string> MacOps = new(StringComparer.Ordinal) { "Conv", "ConvTranspose", "MatMul", "Gemm" };

    // Float MAC time includes the NCHWc layout reorders ORT wraps around its float Convs (14 % of the detector's time).
    private static readonly HashSet<string> FloatMacKernels = new(StringComparer.Ordinal) { "Conv", "FusedConv", "ConvTranspose", "MatMul", "FusedMatMul", "Gemm", "FusedGemm", "ReorderInput", "ReorderOutput" };
    private static readonly HashSet<string> IntegerMacKernels = new(StringComparer.Ordinal) { "QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger", "QGemm" };

    /// <summary>Timed runs per profiled model (after one warm-up, which the profile's totals include).</summary>
    private const int ProfiledRuns = 3;

    private readonly IReadOnlyDictionary<string, long> _macs;

    private FallbackLatencyCost(IReadOnlyDictionary<string, long> macs, double floatUsPerMac, double integerUsPerMac, bool twin, OpTimeProfile floatProfile, OpTimeProfile integerProfile)
    {
        _macs = macs;
        (FloatUsPerMac, IntegerUsPerMac, Twin, FloatProfile, IntegerProfile) = (floatUsPerMac, integerUsPerMac, twin, floatProfile, integerProfile);
    }

    /// <summary>Float MAC kernels' time (with their layout reorders) per run over the float model's MACs.</summary>
    public double FloatUsPerMac { get; }

    /// <summary>Integer MAC kernels' time per run over the MACs of the nodes quantized on both sides.</summary>
    public double IntegerUsPerMac { get; }

    /// <summary>Whether the integer model was timed as its U8S8 twin (S8S8 ARM target on an x64 host).</summary>
    public bool Twin { get; }

    public OpTimeProfile FloatProfile { get; }

    public OpTimeProfile IntegerProfile { get; }

    public double Ratio => FloatUsPerMac == 0 ? 1 : IntegerUsPerMac / FloatUsPerMac;

    /// <summary>µs per run the integer form saves per MAC: prices the notes; the ranking does not use it.</summary>
    public double SavedUsPerMac => FloatUsPerMac - IntegerUsPerMac;

    /// <summary>MACs per run of the named nodes (each counted once; nodes without MACs count 0).</summary>
    public long Macs(IEnumerable<string> nodes) => nodes.Distinct(StringComparer.Ordinal).Sum(n => _macs.GetValueOrDefault(n));

    public IEnumerable<string> MacNodes => _macs.Keys;

    /// <summary>Estimated ms per run the integer form of <paramref name="macs"/> saves on this host.</summary>
    public double SavedMs(long macs) => macs * SavedUsPerMac / 1000;

    /// <summary>One line for the notes and the report: what the profile measured, for the latency step.</summary>
    public string Describe() => FormattableString.Invariant(
        $"latency cost: an integer MAC takes {Ratio:F2}x a float one ({IntegerUsPerMac * 1e6:F0} vs {FloatUsPerMac * 1e6:F0} µs per MMAC; ORT profiler on this host, {(Twin ? "the S8S8 file timed as its U8S8 twin" : "the file's own kernels")}); the largest float places by MACs handed back to int8 after the search");

    public static FallbackLatencyCost Measure(ModelProto reference, ModelProto quantized, Sample sample, DeviceProfile target)
    {
        var macs = MacsPerNode(reference, sample);
        var twin = UnsignedActivationTwin.Needed(target);
        var timed = twin ? UnsignedActivationTwin.Of(quantized) : quantized;
        var feed = sample.Inputs.Select(i => (i.Name, Value: OrtTensors.ToOrtValue(i.Tensor))).ToList();
        try
        {
            var floatProfile = OpTimeProfile.Measure(reference.ToByteArray(), () => Sessions.Options(null), feed, ProfiledRuns);
            var integerProfile = OpTimeProfile.Measure(timed.ToByteArray(), () => Sessions.Options(twin ? null : target), feed, ProfiledRuns);
            var integerNodes = QuantizedOnBothSides(quantized);
            var integerMacs = macs.Where(m => integerNodes.Contains(m.Key)).Sum(m => m.Value);
            static double PerMac(OpTimeProfile p, HashSet<string> kernels, long total) =>
                total == 0 ? 0 : p.ByOpType.Where(o => kernels.Contains(o.OpType)).Sum(o => (double)o.Microseconds) / (p.Runs + 1) / total;
            return new FallbackLatencyCost(macs, PerMac(floatProfile, FloatMacKernels, macs.Values.Sum()), PerMac(integerProfile, IntegerMacKernels, integerMacs), twin, floatProfile, integerProfile);
        }
        finally
        {
            foreach (var f in feed) f.Value.Dispose();
        }
    }

    /// <summary>
    /// MAC nodes, in the main graph or any body, whose data input and weight both come through a DequantizeLinear: the
    /// ones ORT runs as integer kernels (a body's Q/DQ pairs sit inside the body, next to its nodes).
    /// </summary>
    internal static HashSet<string> QuantizedOnBothSides(ModelProto quantized)
    {
        var nodes = AllGraphs(quantized).SelectMany(g => g.Node).ToList();
        var dequantized = nodes.Where(n => n.OpType == "DequantizeLinear").SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        return nodes.Where(n => MacOps.Contains(n.OpType) && n.Input.Count > 1 && dequantized.Contains(n.Input[0]))
            .Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// MACs per run of every Conv / ConvTranspose / MatMul / Gemm, in the main graph and inside If/Loop/Scan bodies, from
    /// weight shapes and the tensor shapes of one float run. Body values are routed out as calibration routes them
    /// (<see cref="Calibrator.Open"/>): a Loop/Scan stacks a value over its iterations, so the output's element count, and
    /// with it the MACs, is per run, every iteration included; an If branch the sample does not take gives an empty
    /// tensor, and its nodes no MACs. Left out, as in the main graph: nodes whose weight is not an initializer (of any
    /// graph: a Constant node's output, a MatMul of two computed values), and body nodes whose values ORT could not route out.
    /// </summary>
    internal static Dictionary<string, long> MacsPerNode(ModelProto model, Sample sample)
    {
        var graphs = AllGraphs(model).ToList();
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graphs.SelectMany(g => g.Initializer)) initializers.TryAdd(t.Name, t);
        var nodes = graphs.SelectMany(g => g.Node).Where(n => MacOps.Contains(n.OpType) && n.Name.Length > 0 && n.Input.Count > 1 && n.Output.Count > 0).ToList();
        var sampleShapes = sample.Inputs.ToDictionary(i => i.Name, i => i.Tensor.Dims.ToArray(), StringComparer.Ordinal);
        var wanted = nodes.SelectMany(n => new[] { n.Input[0], n.Output[0] })
            .Where(t => !initializers.ContainsKey(t) && !sampleShapes.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        var shapes = new Dictionary<string, long[]>(sampleShapes, StringComparer.Ordinal);
        var (session, names, outputs, _) = Calibrator.Open(model, wanted);
        using (session)
        using (var results = Sessions.Run(session, sample, outputs))
        {
            for (var i = 0; i < names.Count; i++) shapes[names[i]] = results[i].GetTensorTypeAndShape().Shape;
        }

        long[]? Shape(string name) => initializers.TryGetValue(name, out var t) ? [.. t.Dims] : shapes.GetValueOrDefault(name);
        static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, d) => a * Math.Max(d, 1));
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var (x, w, y) = (Shape(node.Input[0]), Shape(node.Input[1]), Shape(node.Output[0]));
            if (x is null || w is null || y is null || x.Length == 0 || w.Length == 0) continue;
            if (y.Contains(0)) continue; // not computed on this sample (an If branch not taken, a Loop run 0 times)
            long macs = node.OpType switch
            {
                // Each output element sums C/group × kernel products; a transposed conv scatters each input element likewise.
                "Conv" => Product(y) * Product(w.Skip(1)),
                "ConvTranspose" => Product(x) * Product(w.Skip(1)),
                // A is 2-D, [K, M] when transposed; x[^2] rather than x[0], which a Loop's stacking axis would take.
                "Gemm" when node.Attribute.Any(a => a.Name == "transA" && a.I == 1) => Product(y) * x[^2],
                _ => Product(y) * x[^1],
            };
            result[node.Name] = result.GetValueOrDefault(node.Name) + macs;
        }

        return result;
    }

    private static IEnumerable<GraphProto> AllGraphs(ModelProto model) => ControlFlowBodies.All(model.Graph).Select(b => b.Graph).Prepend(model.Graph);
}
