namespace EdgeBuild.Runtime;

/// <summary>
/// Everything a generated wrapper knows about its model at compile time: file, integrity hash, session
/// settings and signature. Generated code builds one per class; the runtime checks the loaded model against it.
/// </summary>
public sealed class EdgeModelInfo
{
    /// <summary>Creates the description of a model.</summary>
    /// <param name="className">The generated class's name, used in error messages.</param>
    /// <param name="modelFileName">The optimized model's file name in the application's output folder.</param>
    /// <param name="resourceName">The manifest resource name when the model is embedded, else <see langword="null"/>.</param>
    /// <param name="sha256">Lower-case hex SHA-256 of the optimized model's bytes.</param>
    /// <param name="target">The device profile the model was optimized for.</param>
    /// <param name="precision">The precision the model was optimized to.</param>
    /// <param name="session">The session settings of the device profile.</param>
    /// <param name="inputs">The model's inputs in binding order.</param>
    /// <param name="outputs">The model's outputs in binding order.</param>
    public EdgeModelInfo(
        string className,
        string modelFileName,
        string? resourceName,
        string sha256,
        string? target,
        string? precision,
        EdgeSessionSettings session,
        IReadOnlyList<EdgeTensorInfo> inputs,
        IReadOnlyList<EdgeTensorInfo> outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentException.ThrowIfNullOrEmpty(modelFileName);
        ArgumentException.ThrowIfNullOrEmpty(sha256);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ClassName = className;
        ModelFileName = modelFileName;
        ResourceName = resourceName;
        Sha256 = sha256;
        Target = target;
        Precision = precision;
        Session = session;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The generated class's name, used in error messages.</summary>
    public string ClassName { get; }

    /// <summary>The optimized model's file name in the application's output folder.</summary>
    public string ModelFileName { get; }

    /// <summary>The manifest resource name when the model is embedded in the assembly, else <see langword="null"/>.</summary>
    public string? ResourceName { get; }

    /// <summary>Lower-case hex SHA-256 of the optimized model's bytes.</summary>
    public string Sha256 { get; }

    /// <summary>
    /// The file (next to the model file) holding the model's weights when it was written with external data, else
    /// <see langword="null"/>. The model then loads only from a file, and the data file is checked against
    /// <see cref="ExternalDataSha256"/> too.
    /// </summary>
    public string? ExternalDataFileName { get; init; }

    /// <summary>Lower-case hex SHA-256 of the external data file's bytes, when the model has one.</summary>
    public string? ExternalDataSha256 { get; init; }

    /// <summary>The device profile the model was optimized for.</summary>
    public string? Target { get; }

    /// <summary>The precision the model was optimized to.</summary>
    public string? Precision { get; }

    /// <summary>The session settings of the device profile.</summary>
    public EdgeSessionSettings Session { get; }

    /// <summary>The model's inputs in binding order.</summary>
    public IReadOnlyList<EdgeTensorInfo> Inputs { get; }

    /// <summary>The model's outputs in binding order.</summary>
    public IReadOnlyList<EdgeTensorInfo> Outputs { get; }
}
