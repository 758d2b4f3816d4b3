namespace EdgeBuild.Optimization.Reporting;

/// <summary>
/// A warning or error the build shows about one model (an exceeded budget, weights left float, the data-free default),
/// formatted as an MSBuild canonical diagnostic so the task logs it against <see cref="File"/>.
/// </summary>
public sealed record Finding(string Code, bool IsError, string File, string Message, string Fix)
{
    public override string ToString() => $"{File}: {(IsError ? "error" : "warning")} {Code}: {Message}. Fix: {Fix}.";
}
