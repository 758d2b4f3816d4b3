using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Manifest;

/// <summary>The signature manifest the source generator reads (docs/contracts.md section 1).</summary>
public sealed record SignatureManifest
{
    public const int SchemaVersion = 1;

    public required string ClassName { get; init; }
    public required string? Namespace { get; init; }
    public required string ModelFileName { get; init; }
    public required bool Embedded { get; init; }
    public required string? ResourceName { get; init; }
    public required string Sha256 { get; init; }

    /// <summary>The external data file next to the model, or null when the model is self-contained.</summary>
    public ExternalDataSignature? ExternalData { get; init; }
    public required string Target { get; init; }
    public required string Precision { get; init; }
    public required SessionSettings Session { get; init; }
    public required IReadOnlyList<TensorSignature> Inputs { get; init; }
    public required IReadOnlyList<TensorSignature> Outputs { get; init; }
}

/// <summary>The model's external data file (in the model's folder) and the SHA-256 of its bytes.</summary>
public sealed record ExternalDataSignature(string FileName, string Sha256);

/// <summary>One model input or output: resolved shape (-1 where still symbolic) and the ONNX dim names.</summary>
public sealed record TensorSignature(string Name, string ElementType, IReadOnlyList<long> Shape, IReadOnlyList<string?> DimNames);
