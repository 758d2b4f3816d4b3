using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Quantization.Operators;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Computes quantization parameters from calibrated ranges and writes the Q/DQ nodes and int8 initializers.
/// Q/DQ nodes are unnamed and new values get short suffixes (_q, _dq, _s, _z): in a small model the names of
/// hundreds of Q/DQ nodes are a visible share of the file size. For the same reason nothing redundant is stored:
/// all-zero weight zero points are left out (DequantizeLinear defaults them to 0 of the weight's type) and a
/// bias scale is a Mul of the input and weight scales rather than a copy of their product (see QuantizeBias).
/// </summary>
internal sealed class QdqEmitter(OnnxGraph graph, QuantizationOptions options, IReadOnlyDictionary<string, TensorRange> ranges)
{
    private readonly Dictionary<string, QuantParams> _activations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _dequantizedWeights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _weightScales = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _weightScaleNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Scale, string ZeroPoint)> _activationParams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoundedWeight> _roundedWeights = new(StringComparer.Ordinal);

    /// <summary>
    /// A weight before and after rounding, kept for <see cref="CorrectBias"/>. The dequantized values are computed
    /// only there: few Convs get a correction, and the fallback quantizes the whole model once per attempt.
    /// </summary>
    private sealed record RoundedWeight(float[] Values, int[] Quantized, float[] Scales, int[] ZeroPoints, long Inner, long[] Dims)
    {
        public float[] Dequantized()
        {
            var result = new float[Quantized.Length];
            for (var i = 0; i < result.Length; i++)
            {
                var c = (int)(i / Inner % Scales.Length);
                result[i] = (Quantized[i] - ZeroPoints[c]) * Scales[c];
            }

            return result;
        }
    }

    public IReadOnlyDictionary<string, QuantParams> QuantizedTensors => _activations;

    /// <summary>Decides the parameters of the node's activation tensors (called in topological order).</summary>
    public void Prepare(NodeProto node, NodeQuantization plan, HashSet<string> selected)
    {
        foreach (var i in plan.ActivationInputs)
        {
            var t = node.Input[i];
            if (selected.Contains(t) && !_activations.ContainsKey(t)) _activations[t] = FromRange(t);
        }

        var output = node.Output[0];
        if (!plan.QuantizeOutput || !selected.Contains(output) || _activations.ContainsKey(output)) return;
        _activations[output] = plan.OutputSharesInputParams && _activations.TryGetValue(node.Input[0], out var shared) ? shared : FromRange(output);
    }

    public void Emit(IReadOnlyDictionary<NodeProto, NodeQuantization> plans)
    {
        foreach (var (node, plan) in plans)
        {
            foreach (var (input, axis) in plan.Weights) graph.SetInput(node, input, QuantizeWeight(node.Input[input], axis));
            foreach (var i in plan.ActivationInputs)
            {
                var name = node.Input[i];
                if (graph.IsInitializer(name)) graph.SetInput(node, i, QuantizeConstant(name));
            }
        }

        if (options.CorrectWeightBias)
        {
            foreach (var (node, plan) in plans) CorrectBias(node, plan);
        }

        // Biases need the final activation and weight scales, so they come after the weights.
        foreach (var (node, plan) in plans)
        {
            if (plan.Bias is not { } bias) continue;
            var activation = node.Input[bias.ActivationInput];
            if (!_activations.TryGetValue(activation, out var xParams)) continue;
            var weightName = node.Input[bias.WeightInput];
            if (!_weightScales.TryGetValue(weightName, out var wScales)) continue;
            var scaleNames = (Input: ActivationParams(activation, xParams).Scale, Weight: _weightScaleNames[weightName]);
            graph.SetInput(node, bias.Input, QuantizeBias(node.Input[bias.Input], xParams.Scale, wScales, scaleNames));
        }

        foreach (var (tensor, p) in _activations.OrderBy(kv => kv.Key, StringComparer.Ordinal)) InsertPair(tensor, p);
    }

    /// <summary>
    /// A Conv's bias plus the mean shift its rounded weights cause (<see cref="WeightBiasCorrection"/>), as a new
    /// float initializer. Only on Convs computed in float on int8 weights (<see cref="QuantizationOptions.FloatActivationNodes"/>):
    /// measured there, the PP-OCR detector's 30 dB fallback needs 5 float weight tensors instead of 16 (0.271× instead
    /// of 0.353×); on fully quantized Convs it was measured to cost accuracy (detector int8 at 320 px 8.39 → 8.15 dB,
    /// classifier 22.2 → 17.4 dB, not understood yet), so they are left alone. Convs without a bias are left alone
    /// too: a new bias would cost 4 bytes per channel.
    /// </summary>
    private void CorrectBias(NodeProto node, NodeQuantization plan)
    {
        if (node.OpType != "Conv" || plan.Weights.Count == 0 || plan.ActivationInputs.Count > 0 || node.Input.Count < 3 || node.Input[2].Length == 0) return;
        if (graph.Initializer(node.Input[2]) is not { DataType: DType.Float } bias) return;
        if (!_roundedWeights.TryGetValue(node.Input[1], out var rounded)) return;
        if (!ranges.TryGetValue(node.Input[0], out var range) || range.ChannelMeans is not { } means) return;
        var shift = WeightBiasCorrection.Shift(rounded.Values, rounded.Dequantized(), rounded.Dims, Attributes.GetInt(node, "group", 1), means);
        var values = Tensors.ToFloatArray(bias);
        if (shift is null || shift.Length != values.Length) return;
        var corrected = graph.UniqueName(node.Input[2] + "_bc");
        graph.AddInitializer(Tensors.FromFloats(corrected, values.Select((v, c) => v + shift[c]).ToArray(), bias.Dims.ToArray()));
        graph.SetInput(node, 2, corrected);
    }

    private QuantParams FromRange(string tensor)
    {
        var r = ranges[tensor];
        var min = LeakyReluFloor(tensor) is { } relevant ? Math.Max(r.Min, relevant) : r.Min;
        var p = QuantParams.ForRange(min, r.Max, options.SignedActivations, options.SymmetricActivations);
        return ClipFloor(tensor) is { } floor ? p.WithLowestValueAtLeast(floor) : p;
    }

    /// <summary>
    /// When <paramref name="tensor"/> only feeds LeakyRelu(α) → Clip(min = c &lt; 0), values below c/α all end up as c,
    /// so its range need not reach below c/α: saturating them there is exact, and the steps go to the values that
    /// matter (openWakeWord's embedding model: Conv outputs reach −20 and more, of which only −2 … 0 survive).
    /// </summary>
    private float? LeakyReluFloor(string tensor)
    {
        if (graph.IsGraphOutput(tensor) || graph.Consumers(tensor) is not [{ OpType: "LeakyRelu" } leaky]) return null;
        var alpha = Attributes.GetFloat(leaky, "alpha", 0.01f);
        if (!(alpha > 0) || graph.IsGraphOutput(leaky.Output[0]) || graph.Consumers(leaky.Output[0]) is not [{ OpType: "Clip" } clip]) return null;
        return ClipFloor(clip.Output[0]) is { } floor && floor < 0 ? floor / alpha : null;
    }

    /// <summary>
    /// The lower bound of the Clip (without an upper bound) that produces <paramref name="tensor"/>, if any. ORT removes
    /// a Clip into the next Q only when the Q's lowest value is not below the Clip's min; the rounded zero point can put
    /// it one step below (Max(x, -0.4) rewritten as Clip: the Clip then stays, and the float op before it too).
    /// </summary>
    private float? ClipFloor(string tensor)
    {
        if (graph.Producer(tensor) is not { OpType: "Clip" } clip || clip.Input.Count < 2 || clip.Input[1].Length == 0) return null;
        if (clip.Input.Count > 2 && clip.Input[2].Length > 0) return null;
        return graph.Initializer(clip.Input[1]) is { } min && min.DataType == DType.Float ? Tensors.ToFloatArray(min)[0] : null;
    }

    /// <summary>T → QuantizeLinear → DequantizeLinear → every former reader of T.</summary>
    private void InsertPair(string tensor, QuantParams p)
    {
        var (scale, zeroPoint) = ActivationParams(tensor, p);
        var quantized = graph.UniqueName(tensor + "_q");
        var dequantized = graph.UniqueName(tensor + "_dq");
        var readers = graph.Consumers(tensor).ToList();

        var q = new NodeProto { OpType = "QuantizeLinear", Input = { tensor, scale, zeroPoint }, Output = { quantized } };
        var dq = new NodeProto { OpType = "DequantizeLinear", Input = { quantized, scale, zeroPoint }, Output = { dequantized } };
        graph.AddNode(q);
        graph.AddNode(dq);
        foreach (var reader in readers)
        {
            for (var i = 0; i < reader.Input.Count; i++)
            {
                if (reader.Input[i] == tensor) graph.SetInput(reader, i, dequantized);
            }
        }
    }

    /// <summary>The scale and zero point initializers of an activation's pair (biases read the scale too).</summary>
    private (string Scale, string ZeroPoint) ActivationParams(string tensor, QuantParams p)
    {
        if (!_activationParams.TryGetValue(tensor, out var names)) _activationParams[tensor] = names = AddScalarParams(tensor, p);
        return names;
    }

    private (string Scale, string ZeroPoint) AddScalarParams(string tensor, QuantParams p) => (AddScalarScale(tensor, p), AddScalarZeroPoint(tensor, p));

    private string AddScalarScale(string tensor, QuantParams p)
    {
        var scale = graph.UniqueName(tensor + "_s");
        graph.AddInitializer(Tensors.FromFloats(scale, [p.Scale]));
        return scale;
    }

    private string AddScalarZeroPoint(string tensor, QuantParams p)
    {
        var zeroPoint = graph.UniqueName(tensor + "_z");
        graph.AddInitializer(p.Signed ? Tensors.FromInt8s(zeroPoint, [(sbyte)p.ZeroPoint]) : Tensors.FromUInt8s(zeroPoint, [(byte)p.ZeroPoint]));
        return zeroPoint;
    }

    /// <summary>A constant input of an elementwise op: per-tensor, activation encoding, range from its values.</summary>
    private string QuantizeConstant(string name)
    {
        if (_dequantizedWeights.TryGetValue(name, out var done)) return done;
        var values = Tensors.ToFloatArray(graph.Initializer(name)!);
        var dims = graph.Initializer(name)!.Dims.ToArray();
        var p = QuantParams.ForRange(values.Min(), values.Max(), options.SignedActivations, symmetric: false);
        var scale = AddScalarScale(name, p);
        // Only a DequantizeLinear reads it (no QuantizeLinear takes its output type from it), so 0 can stay implicit.
        var zeroPoint = p.ZeroPoint == 0 ? null : AddScalarZeroPoint(name, p);
        var q = graph.UniqueName(name + "_q");
        graph.AddInitializer(Encode(q, values.Select(p.Quantize).ToArray(), p.Signed, dims));
        return _dequantizedWeights[name] = AddDequantize(name, q, scale, zeroPoint, axis: null);
    }

    /// <summary>Weights: symmetric (int8) or asymmetric (uint8) per channel along <paramref name="axis"/>, or per tensor.</summary>
    private string QuantizeWeight(string name, int axis)
    {
        if (_dequantizedWeights.TryGetValue(name, out var done)) return done;
        var tensor = graph.Initializer(name)!;
        var values = Tensors.ToFloatArray(tensor);
        var dims = tensor.Dims.ToArray();
        var perChannel = options.PerChannel && dims.Length > axis;
        var channels = perChannel ? (int)dims[axis] : 1;
        long inner = 1;
        for (var d = axis + 1; d < dims.Length; d++) inner *= dims[d];
        if (!perChannel) inner = values.Length;

        var signed = options.SignedWeights;
        var qmax = options.ReduceRange ? (signed ? 63 : 127) : (signed ? 127 : 255);
        var scales = new float[channels];
        var zeroPoints = new int[channels];
        for (var c = 0; c < channels; c++)
        {
            float lo = 0, hi = 0;
            ForEachInChannel(values.Length, channels, inner, c, perChannel, i => { lo = Math.Min(lo, values[i]); hi = Math.Max(hi, values[i]); });
            if (signed)
            {
                var absMax = Math.Max(-lo, hi);
                scales[c] = absMax == 0 ? 1f : absMax / qmax;
            }
            else
            {
                scales[c] = hi == lo ? 1f : (hi - lo) / qmax;
                zeroPoints[c] = Math.Clamp((int)Math.Round(-lo / scales[c]), 0, qmax);
            }
        }

        var quantized = new int[values.Length];
        var min = signed ? -qmax : 0;
        for (var i = 0; i < values.Length; i++)
        {
            var c = perChannel ? (int)(i / inner % channels) : 0;
            quantized[i] = (int)Math.Clamp(Math.Round(values[i] / scales[c], MidpointRounding.ToEven) + zeroPoints[c], min, qmax);
        }

        var q = graph.UniqueName(name + "_q");
        var scaleName = graph.UniqueName(name + "_s");
        var zpName = graph.UniqueName(name + "_z");
        graph.AddInitializer(Encode(q, quantized, signed, dims));
        long[] paramDims = perChannel ? [channels] : [];
        graph.AddInitializer(Tensors.FromFloats(scaleName, scales, paramDims));
        // Symmetric weights have zero points of 0, which DequantizeLinear assumes when the input is absent (the
        // type comes from the int8 data): storing them costs a byte per channel and carries nothing.
        var zeroPoint = zeroPoints.All(z => z == 0) ? null : zpName;
        if (zeroPoint is not null)
        {
            graph.AddInitializer(signed
                ? Tensors.FromInt8s(zpName, zeroPoints.Select(z => (sbyte)z).ToArray(), paramDims)
                : Tensors.FromUInt8s(zpName, zeroPoints.Select(z => (byte)z).ToArray(), paramDims));
        }

        _weightScales[name] = perChannel ? scales : [scales[0]];
        _weightScaleNames[name] = scaleName;
        var dequantized = AddDequantize(name, q, scaleName, zeroPoint, perChannel ? axis : null);
        _weightScales[dequantized] = _weightScales[name];
        _weightScaleNames[dequantized] = scaleName;
        _roundedWeights[dequantized] = new RoundedWeight(values, quantized, scales, zeroPoints, inner, dims);
        return _dequantizedWeights[name] = dequantized;
    }

    /// <summary>
    /// int32 bias with scale s_x·s_w[c] and zero point 0: what QLinearConv/QGemm expect, so the fusion succeeds.
    /// The scale is not stored: a Mul of the two scale initializers computes it (one float product per channel,
    /// the same IEEE multiply as here, so the int32 values match it exactly). ORT's level-1 constant folding
    /// turns the Mul back into an initializer before its QDQ fusion runs, and the fused kernel never reads it.
    /// ConstantFoldingPass leaves such Muls alone (<see cref="Passes.ConstantFoldingPass"/>).
    /// </summary>
    private string QuantizeBias(string name, float inputScale, float[] weightScales, (string Input, string Weight) scaleNames)
    {
        var values = Tensors.ToFloatArray(graph.Initializer(name)!);
        var perChannel = weightScales.Length > 1;
        var q = new int[values.Length];
        for (var c = 0; c < values.Length; c++)
        {
            var scale = inputScale * weightScales[perChannel ? c : 0];
            q[c] = (int)Math.Clamp(Math.Round(values[c] / scale), int.MinValue, int.MaxValue);
        }

        var qName = graph.UniqueName(name + "_q");
        var scaleName = graph.UniqueName(name + "_s");
        graph.AddInitializer(Tensors.FromInt32s(qName, q, values.Length));
        graph.AddNode(new NodeProto { OpType = "Mul", Input = { scaleNames.Input, scaleNames.Weight }, Output = { scaleName } });
        // No zero point: it defaults to 0, and an int32 per channel would cost as much as the bias itself.
        // Per-tensor weights give a per-tensor bias scale (a scalar product).
        return AddDequantize(name, qName, scaleName, zeroPoint: null, axis: perChannel ? 0 : null);
    }

    private string AddDequantize(string baseName, string quantized, string scale, string? zeroPoint, int? axis)
    {
        var output = graph.UniqueName(baseName + "_dq");
        var dq = new NodeProto { OpType = "DequantizeLinear", Input = { quantized, scale }, Output = { output } };
        if (zeroPoint is not null) dq.Input.Add(zeroPoint);
        if (axis is { } a) dq.Attribute.Add(Attributes.Int("axis", a));
        graph.AddNode(dq);
        return output;
    }

    private static TensorProto Encode(string name, int[] values, bool signed, long[] dims) =>
        signed ? Tensors.FromInt8s(name, values.Select(v => (sbyte)v).ToArray(), dims) : Tensors.FromUInt8s(name, values.Select(v => (byte)v).ToArray(), dims);

    private static void ForEachInChannel(int length, int channels, long inner, int channel, bool perChannel, Action<int> action)
    {
        if (!perChannel)
        {
            for (var i = 0; i < length; i++) action(i);
            return;
        }

        var outer = length / (channels * inner);
        for (long o = 0; o < outer; o++)
        {
            var start = (o * channels + channel) * inner;
            for (long k = 0; k < inner; k++) action((int)(start + k));
        }
    }
}
