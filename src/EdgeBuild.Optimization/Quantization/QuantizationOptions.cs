namespace EdgeBuild.Optimization.Quantization;

/// <summary>How static int8 QDQ quantization encodes tensors and which nodes it touches.</summary>
public sealed record QuantizationOptions
{
    /// <summary>int8 activations (S8S8) or uint8 (U8S8/U8U8).</summary>
    public bool SignedActivations { get; init; } = true;

    /// <summary>int8 weights, or uint8 (U8U8, for x64 without VNNI).</summary>
    public bool SignedWeights { get; init; } = true;

    public bool PerChannel { get; init; } = true;

    public bool SymmetricActivations { get; init; }

    /// <summary>7-bit weights (x64 without VNNI: VPMADDUBSW saturation).</summary>
    public bool ReduceRange { get; init; }

    /// <summary>Rescale channels of Conv→[Relu]→Conv pairs from measured activation ranges before quantizing (<see cref="ChannelEqualization"/>).</summary>
    public bool EqualizeChannels { get; init; }

    /// <summary>
    /// Fold the mean output shift that rounding a Conv's weights causes into its bias (<see cref="WeightBiasCorrection"/>),
    /// on the Convs of <see cref="FloatActivationNodes"/> (see QdqEmitter.CorrectBias for why only those).
    /// </summary>
    public bool CorrectWeightBias { get; init; } = true;

    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Share of |values| kept inside the range by <see cref="CalibrationMethod.Percentile"/>.</summary>
    public double Percentile { get; init; } = 99.999;

    public IReadOnlySet<string> ExcludeNodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Nodes computed in float on int8 weights: their weights get int8 + DequantizeLinear (the same bytes as when
    /// quantized), their activations no Q/DQ pair and their bias stays float, so ORT runs DQ(weight) → float op.
    /// The accuracy fallback's first resort: an activation's rounding costs accuracy but keeping it float costs no size.
    /// <see cref="ExcludeNodes"/> wins over this set.
    /// </summary>
    public IReadOnlySet<string> FloatActivationNodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Every node inside If/Loop/Scan bodies computed in float on int8 weights (as <see cref="FloatActivationNodes"/>),
    /// when quantized bodies are not measured faster or miss the accuracy budget (Pipeline/Steps/BodyActivationChoice decides).
    /// </summary>
    public bool FloatBodyActivations { get; init; }

    public IReadOnlySet<string> ExcludeOpTypes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>When not empty, only these op types are quantized.</summary>
    public IReadOnlySet<string> IncludeOpTypes { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

[System.Text.Json.Serialization.JsonConverter(typeof(Profiles.CamelCaseEnumConverter<CalibrationMethod>))]
public enum CalibrationMethod
{
    /// <summary>Running min/max per tensor: cheap, exact ranges, sensitive to outliers.</summary>
    MinMax,

    /// <summary>Running histogram, range clipped at a high percentile: robust to rare outliers.</summary>
    Percentile,

    /// <summary>Running histogram, range minimizing the KL divergence of the quantized distribution.</summary>
    Entropy,
}
