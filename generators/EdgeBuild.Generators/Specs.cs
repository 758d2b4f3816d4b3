namespace EdgeBuild.Generators;

/// <summary>
/// What the emitter needs to write one wrapper: plain equatable data, no Roslyn symbols, so an unchanged
/// manifest yields an equal spec and the incremental pipeline skips emission.
/// </summary>
internal sealed record ModelSpec(
    string ManifestFileName,
    string? Namespace,
    string ClassName,
    string ModelFileName,
    string? ResourceName,
    string Sha256,
    string? Target,
    string? Precision,
    SessionSpec Session,
    ImmutableEquatableArray<TensorSpec> Inputs,
    ImmutableEquatableArray<TensorSpec> Outputs,
    ExternalDataSpec? ExternalData = null)
{
    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;
}

/// <summary>The model's external data file (next to it in the output folder) and its SHA-256.</summary>
internal sealed record ExternalDataSpec(string FileName, string Sha256);

/// <summary>One input or output with the C# names already chosen (unique, escaped where needed).</summary>
internal sealed record TensorSpec(
    string OnnxName,
    ElementTypeSpec ElementType,
    ImmutableEquatableArray<long> Shape,
    ImmutableEquatableArray<string?> DimNames,
    int Length,
    string PropertyName,
    string ParameterName);

/// <summary>A supported element type: its manifest name, its C# type and its ORT TensorElementType member.</summary>
internal sealed record ElementTypeSpec(string ManifestName, string CSharpType, string OrtMember);

/// <summary>The profile's session settings; <see langword="null"/> members keep ONNX Runtime's defaults.</summary>
internal sealed record SessionSpec(
    int? IntraOpThreads,
    int? InterOpThreads,
    bool? AllowSpinning,
    bool? EnableCpuMemArena,
    bool? EnableMemoryPattern,
    string? GraphOptimizationLevel,
    string? ExecutionMode,
    ImmutableEquatableArray<string> ExecutionProviders);

/// <summary>The result of reading one manifest: a spec when it is usable, and what to report either way.</summary>
internal sealed record ManifestResult(string FilePath, ModelSpec? Model, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
