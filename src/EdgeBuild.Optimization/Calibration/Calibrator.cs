using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Optimization.Calibration;

/// <summary>
/// Measures activation ranges by running an augmented copy of the model (the tensors of interest added as
/// graph outputs) in ONNX Runtime, one sample at a time. Only running statistics are kept (min/max, then a
/// fixed-size histogram for Percentile/Entropy), so memory does not depend on the number of samples.
/// </summary>
public static class Calibrator
{
    /// <summary>Streams <paramref name="samples"/> once (twice for Percentile/Entropy); <paramref name="progress"/> hears after each sample ("calibrating 12/21 samples"): a large model's calibration takes minutes.</summary>
    public static IReadOnlyDictionary<string, TensorRange> Collect(ModelProto model, IReadOnlyCollection<string> tensors, SampleSource samples, QuantizationOptions options,
        IProgress<ProgressEvent>? progress = null)
    {
        var (session, names, outputs, stacked) = Open(model, tensors);
        using var _ = session;

        var min = new Dictionary<string, float>(StringComparer.Ordinal);
        var max = new Dictionary<string, float>(StringComparer.Ordinal);
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        var means = new Dictionary<string, ChannelMean>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, long[]?>(StringComparer.Ordinal);
        var done = 0;
        foreach (var sample in samples.Read())
        {
            Report(progress, "calibrating", done++, samples.Count);
            using var results = Sessions.Run(session, sample, outputs);
            for (var i = 0; i < names.Count; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                types[names[i]] = (int)info.ElementDataType;
                if (info.ElementDataType != TensorElementType.Float) continue;
                var values = results[i].GetTensorDataAsSpan<float>();
                // Empty: a body value on a branch this sample did not take, or a loop that ran no iteration.
                if (values.IsEmpty) continue;
                var (lo, hi) = MinMax(values);
                if (!stacked.Contains(names[i])) shapes[names[i]] = !shapes.TryGetValue(names[i], out var seen) ? info.Shape : seen is not null && seen.SequenceEqual(info.Shape) ? seen : null;
                if (info.Shape.Length >= 2 && info.Shape[1] > 0 && !stacked.Contains(names[i]))
                {
                    if (!means.TryGetValue(names[i], out var mean)) means[names[i]] = mean = new ChannelMean((int)info.Shape[1]);
                    mean.Add(values, (int)info.Shape[0]);
                }

                min[names[i]] = min.TryGetValue(names[i], out var m) ? Math.Min(m, lo) : lo;
                max[names[i]] = max.TryGetValue(names[i], out var x) ? Math.Max(x, hi) : hi;
            }
        }

        Report(progress, "calibrating", done, samples.Count);
        if (options.Calibration != CalibrationMethod.MinMax) NarrowWithHistograms(session, names, outputs, samples, options, min, max, progress);

        // A float value never computed on these samples (a branch never taken) has no range: it stays float.
        return names.Where(n => types.TryGetValue(n, out var t) && (t != DType.Float || min.ContainsKey(n))).ToDictionary(
            n => n,
            n => new TensorRange(n, types[n], min.GetValueOrDefault(n), max.GetValueOrDefault(n), means.GetValueOrDefault(n)?.Means()) { Shape = shapes.GetValueOrDefault(n) },
            StringComparer.Ordinal);
    }

    /// <summary>A second streamed pass: histograms of |x| up to each tensor's observed max, then a clipping threshold.</summary>
    private static void NarrowWithHistograms(InferenceSession session, List<string> names, List<string> outputNames, SampleSource samples, QuantizationOptions options, Dictionary<string, float> min, Dictionary<string, float> max, IProgress<ProgressEvent>? progress)
    {
        var histograms = names.Where(min.ContainsKey)
            .ToDictionary(n => n, n => new Histogram(Math.Max(Math.Abs(min[n]), Math.Abs(max[n]))), StringComparer.Ordinal);
        var done = 0;
        foreach (var sample in samples.Read())
        {
            Report(progress, "calibrating (histograms)", done++, samples.Count);
            using var outputs = Sessions.Run(session, sample, outputNames);
            for (var i = 0; i < names.Count; i++)
            {
                if (histograms.TryGetValue(names[i], out var h)) h.Add(outputs[i].GetTensorDataAsSpan<float>());
            }
        }

        foreach (var (name, h) in histograms)
        {
            var t = options.Calibration == CalibrationMethod.Percentile ? h.PercentileThreshold(options.Percentile) : h.EntropyThreshold();
            min[name] = Math.Max(min[name], -t);
            max[name] = Math.Min(max[name], t);
        }
    }

    private static void Report(IProgress<ProgressEvent>? progress, string what, int done, int total) =>
        progress?.Report(new ProgressEvent(Planning.PlanStepIds.Calibrate, $"{what} {done}/{total} samples", done, total));

    /// <summary>
    /// A session over a copy of <paramref name="model"/> that outputs every tensor of <paramref name="tensors"/> it can:
    /// main-graph values directly, values inside If/Loop/Scan bodies routed out (<see cref="BodyTaps"/>). Returns the
    /// tensors measured, the output each is read from (same order), and those stacked per loop iteration. When ORT
    /// cannot run the routed copy (a loop whose value changes shape between iterations cannot be stacked), bodies
    /// are left out and their values stay float. The accuracy fallback opens its probes the same way (with ORT's rewrites
    /// off for the quantized model: <paramref name="level"/>), and its latency cost reads the MAC nodes' shapes through it.
    /// </summary>
    internal static (InferenceSession Session, List<string> Names, List<string> Outputs, HashSet<string> Stacked) Open(ModelProto model, IReadOnlyCollection<string> tensors,
        GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_BASIC)
    {
        using var sessionOptions = Sessions.Quiet(level);
        var main = MainGraphValues(model.Graph);
        var inBodies = tensors.Where(t => !main.Contains(t)).ToList();
        var direct = tensors.Where(main.Contains).ToList();
        if (inBodies.Count > 0)
        {
            try
            {
                var copy = Augment(model, direct);
                var taps = BodyTaps.Expose(copy, inBodies, ValueTypes.Of(model.Graph));
                var session = new InferenceSession(copy.ToByteArray(), sessionOptions);
                var names = direct.Concat(taps.Keys).ToList();
                return (session, names, direct.Concat(taps.Values.Select(t => t.Output)).ToList(), taps.Where(t => t.Value.Stacked).Select(t => t.Key).ToHashSet(StringComparer.Ordinal));
            }
            catch (OnnxRuntimeException)
            {
                // Fall through: main-graph values only.
            }
        }

        return (new InferenceSession(Augment(model, direct).ToByteArray(), sessionOptions), direct, direct, []);
    }

    /// <summary>Values the main graph itself defines (inputs, initializers, node outputs): ORT can output them directly.</summary>
    private static HashSet<string> MainGraphValues(GraphProto graph) =>
        graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(t => t.Name)).Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);

    /// <summary>A copy of the model that also outputs <paramref name="tensors"/> (ORT infers their types).</summary>
    public static ModelProto Augment(ModelProto model, IEnumerable<string> tensors)
    {
        var copy = model.Clone();
        var existing = copy.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (existing.Add(t)) copy.Graph.Output.Add(new ValueInfoProto { Name = t });
        }

        return copy;
    }

    /// <summary>Running per-channel sums of an [N, C, ...] tensor; null means when the channel count changes between samples.</summary>
    private sealed class ChannelMean(int channels)
    {
        private readonly double[] _sums = new double[channels];
        private long _count;
        private bool _inconsistent;

        public void Add(ReadOnlySpan<float> values, int batch)
        {
            var inner = values.Length / Math.Max(1, batch * _sums.Length);
            if (inner * batch * _sums.Length != values.Length) { _inconsistent = true; return; }
            for (var n = 0; n < batch; n++)
            {
                for (var c = 0; c < _sums.Length; c++)
                {
                    double sum = 0;
                    foreach (var v in values.Slice(((n * _sums.Length) + c) * inner, inner)) sum += v;
                    _sums[c] += sum;
                }
            }

            _count += (long)batch * inner;
        }

        public float[]? Means() => _inconsistent || _count == 0 ? null : _sums.Select(s => (float)(s / _count)).ToArray();
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return (0, 0);
        var lo = float.PositiveInfinity;
        var hi = float.NegativeInfinity;
        foreach (var v in values)
        {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }

        return (lo, hi);
    }
}
