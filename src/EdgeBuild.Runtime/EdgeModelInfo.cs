namespace EdgeBuild.Runtime;

/// <summary>
/// Everything a generated wrapper knows about its model at compile time: file, integrity hash, session
/// settings and signature. Generated code builds one per class; the runtime checks the loaded model against it.
/// </summary>
public sealed class EdgeModelInfo
{
    /// <summary>The generated class's name, used in error messages.</summary>
    public required string ClassName { get; init; }

    /// <summary>The optimized model's file name in the application's output folder.</summary>
    public required string ModelFileName { get; init; }

    /// <summary>The manifest resource name when the model is embedded in the assembly, else <see langword="null"/>.</summary>
    public string? ResourceName { get; init; }

    /// <summary>Lower-case hex SHA-256 of the optimized model's bytes.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The device profile the model was optimized for.</summary>
    public string? Target { get; init; }

    /// <summary>The precision the model was optimized to.</summary>
    public string? Precision { get; init; }

    /// <summary>The session settings of the device profile.</summary>
    public EdgeSessionSettings Session { get; init; } = new();

    /// <summary>The model's inputs in binding order.</summary>
    public required IReadOnlyList<EdgeTensorInfo> Inputs { get; init; }

    /// <summary>The model's outputs in binding order.</summary>
    public required IReadOnlyList<EdgeTensorInfo> Outputs { get; init; }
}
