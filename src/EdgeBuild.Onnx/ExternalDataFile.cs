namespace EdgeBuild.Onnx;

/// <summary>An external data file a model referenced when it was loaded: its location relative to the model, bytes and tensors read from it.</summary>
public sealed class ExternalDataFile(string location)
{
    public string Location { get; } = location;

    public long Bytes { get; internal set; }

    public int TensorCount { get; internal set; }
}
