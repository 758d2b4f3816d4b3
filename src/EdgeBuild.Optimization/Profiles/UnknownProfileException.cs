namespace EdgeBuild.Optimization.Profiles;

/// <summary>A target id that is not in the catalog. Carries the known ids and the closest one, for "did you mean".</summary>
public sealed class UnknownProfileException : Exception
{
    public UnknownProfileException(string id, IReadOnlyList<string> knownIds)
        : base(FormatMessage(id, knownIds, ClosestMatch.Find(id, knownIds)))
    {
        Id = id;
        KnownIds = knownIds;
        Suggestion = ClosestMatch.Find(id, knownIds);
    }

    public string Id { get; }

    public IReadOnlyList<string> KnownIds { get; }

    /// <summary>The known id closest to <see cref="Id"/> by edit distance, or null when none is close.</summary>
    public string? Suggestion { get; }

    private static string FormatMessage(string id, IReadOnlyList<string> knownIds, string? suggestion) =>
        $"unknown target '{id}'."
        + (suggestion is null ? "" : $" Did you mean '{suggestion}'?")
        + $" Known targets: {string.Join(", ", knownIds)}. Or point Profile=/--profile at a custom profile JSON file";
}
