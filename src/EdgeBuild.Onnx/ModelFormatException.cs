namespace EdgeBuild.Onnx;

/// <summary>What kind of input problem a <see cref="ModelFormatException"/> reports; the CLI maps it to a diagnostic code.</summary>
public enum ModelProblemKind
{
    /// <summary>The file is missing, unreadable, not protobuf, or not an ONNX model (EDGE0101).</summary>
    InvalidModel,

    /// <summary>A tensor's external data is missing, out of range, or outside the model's folder (EDGE0102).</summary>
    ExternalData,
}

/// <summary>
/// The one exception type that escapes loading a model. Its message names the file, the problem and the fix,
/// in the order the CLI prints them; the original exception (protobuf, I/O) is kept as the inner exception.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string filePath, ModelProblemKind kind, string problem, string fix, Exception? inner = null)
        : base($"{filePath}: {problem}. {fix}.", inner)
    {
        FilePath = filePath;
        Kind = kind;
        Problem = problem;
        Fix = fix;
    }

    /// <summary>The model file (or external data file) the problem is in.</summary>
    public string FilePath { get; }

    public ModelProblemKind Kind { get; }

    /// <summary>What is wrong, without trailing period.</summary>
    public string Problem { get; }

    /// <summary>How to fix it, without trailing period.</summary>
    public string Fix { get; }
}
