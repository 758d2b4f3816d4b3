namespace EdgeBuild.Optimization.Targets;

/// <summary>
/// What the optimizer needs to know about a target device: its ORT session settings, its int8 scheme
/// and default values for symbolic dims. Filled from the device profile catalog.
/// </summary>
public sealed record TargetSettings
{
    public required string Id { get; init; }

    public required SessionConfig Session { get; init; }

    /// <summary>Precision used for --precision auto: int8, uint8, fp16 or none.</summary>
    public required string DefaultPrecision { get; init; }

    public required QuantizationScheme Scheme { get; init; }

    /// <summary>Block size along K of int4 MatMulNBits weights (a power of two ≥ 16; smaller is more accurate, larger is smaller).</summary>
    public int Int4BlockSize { get; init; } = 32;

    /// <summary>Highest ORT optimization level that is safe to apply offline for this target (basic/extended when cross-building).</summary>
    public required string MaxOfflineOptimizationLevel { get; init; }

    public IReadOnlyDictionary<string, long> DimDefaults { get; init; } = new Dictionary<string, long>();

    /// <summary>Value for an unnamed-by-defaults symbolic axis 0 (the batch axis), if any.</summary>
    public long? LeadingAxisDefault { get; init; }

    public long? ResolveDim(string name, int axis) =>
        DimDefaults.TryGetValue(name, out var v) ? v : axis == 0 ? LeadingAxisDefault : null;
}

/// <summary>ONNX Runtime session settings as written into the manifest (contracts.md section 1).</summary>
public sealed record SessionConfig
{
    public required int IntraOpThreads { get; init; }
    public required int InterOpThreads { get; init; }
    public required bool AllowSpinning { get; init; }
    public required bool EnableCpuMemArena { get; init; }
    public required bool EnableMemoryPattern { get; init; }

    /// <summary>disabled | basic | extended | all.</summary>
    public required string GraphOptimizationLevel { get; init; }

    /// <summary>sequential | parallel.</summary>
    public required string ExecutionMode { get; init; }

    public required IReadOnlyList<string> ExecutionProviders { get; init; }
}

/// <summary>How int8 tensors are encoded for a target (DESIGN.md "Quantization facts").</summary>
public sealed record QuantizationScheme
{
    /// <summary>Activations as int8 (S8S8) rather than uint8 (U8S8/U8U8).</summary>
    public required bool SignedActivations { get; init; }

    /// <summary>Weights as int8 rather than uint8 (U8U8).</summary>
    public required bool SignedWeights { get; init; }

    public required bool PerChannel { get; init; }

    public required bool SymmetricActivations { get; init; }

    /// <summary>7-bit weights, for x64 without VNNI where VPMADDUBSW saturates.</summary>
    public required bool ReduceRange { get; init; }

    /// <summary>
    /// Whether ORT on the device itself fuses int8-activation QDQ into integer kernels (it does on ARM). On x64 it
    /// converts int8 activations to uint8 first and runs U8S8 kernels; forcing S8S8 there
    /// ("session.qdqisint8allowed") picks kernels 3-10x slower than U8S8 (docs/profiles.md).
    /// </summary>
    public bool DeviceFusesInt8Activations { get; init; }
}
