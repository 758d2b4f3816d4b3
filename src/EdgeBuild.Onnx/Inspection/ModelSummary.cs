namespace EdgeBuild.Onnx.Inspection;

/// <summary>What `edgebuild inspect` reports about a model; built by <see cref="ModelSummarizer"/>.</summary>
public sealed record ModelSummary(
    string Path,
    long ProtobufBytes,
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    string Domain,
    long ModelVersion,
    IReadOnlyList<OpsetImport> OpsetImports,
    IReadOnlyList<ValueSummary> Inputs,
    IReadOnlyList<ValueSummary> Outputs,
    int NodeCount,
    int SubgraphCount,
    IReadOnlyList<OpCount> OpHistogram,
    ParameterTotals Parameters,
    IReadOnlyList<ExternalDataFile> ExternalDataFiles);

public sealed record OpsetImport(string Domain, long Version);

/// <summary>
/// A graph input or output. <see cref="ElementType"/> uses the contract's names (float32 ...); non-tensor values
/// read like "sequence(float32)". <see cref="Shape"/> is null when the rank is unknown; a dim without a value is
/// -1, and its symbolic name (dim_param), if any, is in <see cref="DimNames"/> at the same index.
/// </summary>
public sealed record ValueSummary(string Name, string ElementType, IReadOnlyList<long>? Shape, IReadOnlyList<string?>? DimNames);

/// <summary>How often an operator occurs; <see cref="Op"/> is "Conv" for the default domain, else "domain:Op".</summary>
public sealed record OpCount(string Op, int Count);

public sealed record ParameterTotals(long Count, long Bytes, IReadOnlyList<ElementTypeTotals> ByElementType);

public sealed record ElementTypeTotals(string ElementType, long Count, long Bytes, int Tensors);
