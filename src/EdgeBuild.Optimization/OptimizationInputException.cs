namespace EdgeBuild.Optimization;

/// <summary>
/// The input to an optimization is wrong (unreadable model, bad data, unknown target): the CLI reports
/// it as an error with <see cref="Code"/> naming <see cref="FilePath"/> and exits with code 2.
/// </summary>
public sealed class OptimizationInputException(string code, string filePath, string problem, string fix, Exception? inner = null)
    : Exception($"{filePath}: {problem}. {fix}", inner)
{
    /// <summary>A stable diagnostic code, EDGE0xxx (docs/contracts.md section 3).</summary>
    public string Code { get; } = code;

    public string FilePath { get; } = filePath;

    public string Problem { get; } = problem;

    public string Fix { get; } = fix;
}
