namespace EdgeBuild.Optimization.Profiles;

/// <summary>"Did you mean" by Levenshtein distance, case-insensitive.</summary>
public static class ClosestMatch
{
    /// <summary>
    /// The candidate nearest to <paramref name="input"/>, or null when even the nearest needs more
    /// edits than about a third of its length (suggesting "arm64" for "jetson" helps nobody).
    /// A candidate that starts with the input ("rpi" → "rpi5") counts as close.
    /// </summary>
    public static string? Find(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = candidate.StartsWith(input, StringComparison.OrdinalIgnoreCase) && input.Length >= 2
                ? 0
                : EditDistance.Levenshtein(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }
}
