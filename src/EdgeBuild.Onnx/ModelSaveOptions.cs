using EdgeBuild.Onnx.IO;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx;

/// <summary>When <see cref="ModelFile.Save"/> moves initializers into an external data file.</summary>
public enum ExternalDataPolicy
{
    /// <summary>Inline, unless the protobuf would exceed 2 GB; then like <see cref="Always"/>.</summary>
    WhenRequired,

    /// <summary>Initializers selected by the threshold (or the filter) go to the external data file.</summary>
    Always,

    /// <summary>Everything inline; a model over 2 GB fails to save.</summary>
    Never,
}

/// <summary>How <see cref="ModelFile.Save"/> writes a model.</summary>
public sealed record ModelSaveOptions
{
    public static ModelSaveOptions Default { get; } = new();

    public ExternalDataPolicy ExternalData { get; init; } = ExternalDataPolicy.WhenRequired;

    /// <summary>Initializers with at least this many bytes of raw_data go external (ONNX's own default is 1024).</summary>
    public long ExternalDataThreshold { get; init; } = 1024;

    /// <summary>Picks the initializers that go external instead of the threshold. Only tensors holding raw_data can move.</summary>
    public Func<TensorProto, bool>? ExternalTensorFilter { get; init; }

    /// <summary>
    /// Also move the tensors of Constant nodes (exporters such as paddle2onnx keep every weight there instead of in
    /// initializers). ONNX Runtime turns Constant nodes into initializers, so it reads them from external data too.
    /// On by default: for such models it is the only way weights can go external.
    /// </summary>
    public bool IncludeConstantNodes { get; init; } = true;

    /// <summary>File name (in the model's folder) of the external data; default: the model's file name + ".data".</summary>
    public string? ExternalDataFileName { get; init; }

    /// <summary>Largest protobuf written inline; lowered by tests to exercise the automatic switch to external data.</summary>
    internal long ProtobufLimit { get; init; } = ModelReader.ProtobufLimit;
}
