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
                : Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
