namespace EdgeBuild.Optimization.Verification;

/// <summary>
/// CTC prefix beam search: the label sequence whose alignments together are most likely, read from [T, classes]
/// probabilities (softmax outputs). Unlike greedy decoding (each position's argmax), it reads a character spread over
/// positions that each lean blank, the way recognizers spread spaces, as the likelier text it is.
/// </summary>
internal static class CtcBeamSearch
{
    public const int BeamWidth = 8;

    // A class under this probability at a position extends no prefix there: it cannot lift a prefix into the top beams.
    private const float MinClassProbability = 1e-3f;

    /// <returns>The class ids read, blanks and merged repeats removed, one char each.</returns>
    public static string Decode(ReadOnlySpan<float> probabilities, int positions, int classes, int blank)
    {
        if (classes > char.MaxValue) throw new NotSupportedException($"ctc: {classes} classes; the beam search keys prefixes by 16-bit class ids (at most {(int)char.MaxValue}).");
        // A prefix is a string of class ids (each a char); per prefix, the probability of its alignments that end in a
        // blank and of those that end in its last class.
        var beams = new Dictionary<string, (double Blank, double Last)>(StringComparer.Ordinal) { [""] = (1, 0) };
        var next = new Dictionary<string, (double Blank, double Last)>(StringComparer.Ordinal);
        var likely = new List<int>();
        for (int t = 0; t < positions; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            likely.Clear();
            for (int k = 0; k < classes; k++) if (k != blank && row[k] >= MinClassProbability) likely.Add(k);
            next.Clear();
            foreach (var (prefix, (endsBlank, endsLast)) in beams)
            {
                Add(next, prefix, (endsBlank + endsLast) * row[blank], 0);
                foreach (int k in likely)
                {
                    string longer = prefix + (char)k;
                    if (prefix.Length > 0 && prefix[^1] == k)
                    {
                        Add(next, prefix, 0, endsLast * row[k]); // a repeat with no blank between is one character
                        Add(next, longer, 0, endsBlank * row[k]);
                    }
                    else
                    {
                        Add(next, longer, 0, (endsBlank + endsLast) * row[k]);
                    }
                }
            }

            KeepTop(next, beams);
        }

        return Likeliest(beams).First().Key;
    }

    private static void Add(Dictionary<string, (double Blank, double Last)> beams, string prefix, double blank, double last)
    {
        var (b, l) = beams.GetValueOrDefault(prefix);
        beams[prefix] = (b + blank, l + last);
    }

    // Likeliest first; ties broken by the prefix, so runs are repeatable.
    private static IOrderedEnumerable<KeyValuePair<string, (double Blank, double Last)>> Likeliest(Dictionary<string, (double Blank, double Last)> beams) =>
        beams.OrderByDescending(b => b.Value.Blank + b.Value.Last).ThenBy(b => b.Key, StringComparer.Ordinal);

    // The BeamWidth likeliest prefixes, rescaled to sum to 1 so long sequences never underflow.
    private static void KeepTop(Dictionary<string, (double Blank, double Last)> candidates, Dictionary<string, (double Blank, double Last)> beams)
    {
        var top = Likeliest(candidates).Take(BeamWidth).ToList();
        double sum = top.Sum(c => c.Value.Blank + c.Value.Last);
        beams.Clear();
        foreach (var (prefix, (blank, last)) in top) beams[prefix] = sum > 0 ? (blank / sum, last / sum) : (blank, last);
    }
}
