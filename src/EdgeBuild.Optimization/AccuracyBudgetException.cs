namespace EdgeBuild.Optimization;

/// <summary>
/// The optimized model misses its accuracy budget even after the fallback kept the worst nodes in float.
/// The CLI reports EDGE0201 with <see cref="Details"/> (the worst nodes) and exits with code 1.
/// </summary>
public sealed class AccuracyBudgetException(string filePath, string problem, string fix, IReadOnlyList<string> details)
    : Exception($"{filePath}: {problem}. {fix}.")
{
    public string FilePath { get; } = filePath;

    public string Problem { get; } = problem;

    public string Fix { get; } = fix;

    /// <summary>Lines of the table of worst nodes.</summary>
    public IReadOnlyList<string> Details { get; } = details;
}
