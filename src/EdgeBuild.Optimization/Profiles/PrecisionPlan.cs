using System.Text.Json.Serialization;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>How to quantize for the device when the item does not say otherwise.</summary>
public sealed record PrecisionPlan
{
    /// <summary>What <c>Precision="auto"</c> resolves to on this device.</summary>
    public required Precision DefaultPrecision { get; init; }

    public QuantFormat Format { get; init; } = QuantFormat.Qdq;

    /// <summary>Activation/weight signedness; must agree with <see cref="ActivationType"/> and <see cref="WeightType"/>.</summary>
    public required QuantScheme Scheme { get; init; }

    public required bool PerChannel { get; init; }

    public required bool SymmetricWeights { get; init; }

    public required bool SymmetricActivations { get; init; }

    /// <summary>7-bit weights, to avoid VPMADDUBSW saturation on x64 without VNNI.</summary>
    public required bool ReduceRange { get; init; }

    public required QuantType ActivationType { get; init; }

    public required QuantType WeightType { get; init; }

    /// <summary>Block size along K for int4 (MatMulNBits) weights: a power of two ≥ 16; 32 unless the device says otherwise.</summary>
    public int Int4BlockSize { get; init; } = 32;

    /// <summary>
    /// Cap on the accuracy fallback's attempts (each one quantization + one verification on the validation samples)
    /// when the item or command line sets none. A count, never a time, so the written model does not depend on the
    /// machine's speed or load (docs/accuracy.md "How the search is bounded").
    /// </summary>
    public int FallbackAttempts { get; init; } = DefaultFallbackAttempts;

    /// <summary>Enough for the pinned PP-OCR searches to complete (classifier 30 dB: 43 attempts, detector 30 dB: 44, detector agreement@0.3: 46; docs/accuracy.md).</summary>
    public const int DefaultFallbackAttempts = 50;

    /// <summary>
    /// Seconds the accuracy fallback may spend before it settles for its best passing attempt, when the item or command
    /// line sets none; null (every built-in profile): no time budget, so the count alone bounds the search and the
    /// same inputs give the same bytes. A profile for a slow build host may set one (docs/accuracy.md).
    /// </summary>
    public double? FallbackTimeBudget { get; init; }

    /// <summary>fp16 runs on accelerated kernels here (a GPU), not emulated with Casts (ARM CPU EP).</summary>
    public required bool Fp16Accelerated { get; init; }

    /// <summary>
    /// What the data-free default (no CalibrationData) does with MatMul/Gemm weights: int8 computed in float like every
    /// other weight, or dynamic int8 kernels (DynamicQuantizeMatMul) where the device's integer MatMul is measured to gain.
    /// </summary>
    public DataFreeMatMul DataFreeMatMul { get; init; } = DataFreeMatMul.WeightsInt8;
}

/// <summary>The data-free default's form for MatMul/Gemm with a constant weight (docs/profiles.md, docs/optimization.md).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DataFreeMatMul>))]
public enum DataFreeMatMul
{
    /// <summary>int8 per-channel weights dequantized at load (Cast→Mul), computed in float: float32's latency on every CPU.</summary>
    WeightsInt8,

    /// <summary>com.microsoft DynamicQuantizeMatMul: activations quantized per run, integer products (VNNI on x64).</summary>
    DynamicInt8,
}

/// <summary>Precision of the optimized model, as in the item's <c>Precision</c> metadata.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Precision>))]
public enum Precision
{
    Auto,
    Int8,
    Uint8,
    Fp16,
    Int4,
    None,
}

[JsonConverter(typeof(CamelCaseEnumConverter<QuantFormat>))]
public enum QuantFormat
{
    /// <summary>QuantizeLinear/DequantizeLinear pairs around float ops; ORT fuses them to QLinear kernels.</summary>
    Qdq,
}

/// <summary>Activation type then weight type: S8S8 = int8 activations, int8 weights.</summary>
[JsonConverter(typeof(ExactNameEnumConverter<QuantScheme>))]
public enum QuantScheme
{
    S8S8,
    U8S8,
    U8U8,
}

[JsonConverter(typeof(CamelCaseEnumConverter<QuantType>))]
public enum QuantType
{
    Int8,
    Uint8,
}

