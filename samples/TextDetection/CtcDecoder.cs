namespace TextDetection;

/// <summary>
/// CTC decoding of PP-OCR's recognizer output ([1, T, classes] probabilities) by prefix beam search: the text is the
/// label sequence whose alignments together are most likely, not the most likely class at each position (greedy). Class
/// 0 is the blank, class i (1..n) is line i of the dictionary (ppocr_keys_v1.txt), and the last class, n + 1, is a space.
/// </summary>
/// <remarks>
/// Why not greedy: this recognizer spreads a space over two or three positions, each a near tie between blank and
/// space (float32 on "Press twice to start": 0.55 blank / 0.45 space at both positions), so greedy drops the space although
/// the space is the likelier reading (1 - 0.55² = 0.7), and the smallest change of the weights, int8's or another
/// CPU's rounding, flips it. Summing the alignments reads those spaces in float32 and int8 alike.
/// </remarks>
public sealed class CtcDecoder(string[] dictionary)
{
    private const int BeamWidth = 8;
    // Classes under this probability at a position extend no prefix there (they cannot change the top beams).
    private const float MinClassProbability = 1e-3f;

    public static CtcDecoder Load(string path) => new(File.ReadAllLines(path));

    /// <summary>The number of classes the recognizer must output for this dictionary: blank, the lines, space.</summary>
    public int Classes => dictionary.Length + 2;

    /// <returns>The text and its score: PaddleOCR's, the mean probability of the characters the best path keeps.</returns>
    public (string Text, float Score) Decode(ReadOnlySpan<float> probabilities, int positions)
    {
        // A prefix is a string of class ids (each below 65,536); per prefix, the probability of its alignments that end
        // in a blank and of those that end in its last class.
        var beams = new Dictionary<string, (double Blank, double Last)> { [""] = (1, 0) };
        var next = new Dictionary<string, (double Blank, double Last)>();
        var likely = new List<int>();
        for (int t = 0; t < positions; t++)
        {
            var row = probabilities.Slice(t * Classes, Classes);
            likely.Clear();
            for (int k = 1; k < row.Length; k++) if (row[k] >= MinClassProbability) likely.Add(k);
            next.Clear();
            foreach (var (prefix, (blank, last)) in beams)
            {
                Add(next, prefix, (blank + last) * row[0], 0);
                foreach (int k in likely)
                {
                    string longer = prefix + (char)k;
                    if (prefix.Length > 0 && prefix[^1] == k)
                    {
                        Add(next, prefix, 0, last * row[k]); // a repeat without a blank between merges
                        Add(next, longer, 0, blank * row[k]);
                    }
                    else
                    {
                        Add(next, longer, 0, (blank + last) * row[k]);
                    }
                }
            }

            Keep(next, beams);
        }

        var best = beams.MaxBy(b => (b.Value.Blank + b.Value.Last, b.Key)).Key;
        // Spaces at either end are the crop's margin, not text: they come and go with the smallest change of the input
        // or the weights (a rendered line's paper margin reads " Batteries included" or not).
        return (string.Concat(best.Select(k => k <= dictionary.Length ? dictionary[k - 1] : " ")).Trim(' '), BestPathScore(probabilities, positions));
    }

    private static void Add(Dictionary<string, (double Blank, double Last)> beams, string prefix, double blank, double last)
    {
        var (b, l) = beams.GetValueOrDefault(prefix);
        beams[prefix] = (b + blank, l + last);
    }

    // The BeamWidth likeliest prefixes (ties broken by the prefix, so runs are repeatable), rescaled to sum to 1 so long
    // lines never underflow.
    private static void Keep(Dictionary<string, (double Blank, double Last)> candidates, Dictionary<string, (double Blank, double Last)> beams)
    {
        var top = candidates.OrderByDescending(c => c.Value.Blank + c.Value.Last).ThenBy(c => c.Key, StringComparer.Ordinal).Take(BeamWidth).ToList();
        double sum = top.Sum(c => c.Value.Blank + c.Value.Last);
        beams.Clear();
        foreach (var (prefix, (blank, last)) in top) beams[prefix] = sum > 0 ? (blank / sum, last / sum) : (blank, last);
    }

    private float BestPathScore(ReadOnlySpan<float> probabilities, int positions)
    {
        float sum = 0;
        int kept = 0, previous = -1;
        for (int t = 0; t < positions; t++)
        {
            var row = probabilities.Slice(t * Classes, Classes);
            int best = 0;
            for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
            if (best != 0 && best != previous)
            {
                sum += row[best];
                kept++;
            }

            previous = best;
        }

        return kept == 0 ? 0 : sum / kept;
    }
}
