using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx;

/// <summary>A loaded model with where it came from: its protobuf size and the external data files it read.</summary>
/// <param name="Model">The model, self-contained: external data has been read into raw_data.</param>
/// <param name="Path">The model file (or the display name of a stream).</param>
/// <param name="ProtobufBytes">Size of the model's protobuf (the .onnx file without external data).</param>
/// <param name="ExternalDataFiles">External data files referenced by the model, in first-use order.</param>
public sealed record LoadedModel(ModelProto Model, string Path, long ProtobufBytes, IReadOnlyList<ExternalDataFile> ExternalDataFiles);
