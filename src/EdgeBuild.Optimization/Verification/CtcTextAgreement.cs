namespace EdgeBuild.Optimization.Verification;

/// <summary>
/// The <c>ctc</c> metric: how much of the text a CTC recognizer's output reads the same in the candidate as in the
/// reference. Each sequence ([T, classes] probabilities, the last two axes) is decoded by prefix beam search
/// (<see cref="CtcBeamSearch"/>); the two label sequences count as (L − edit distance, L), L the longer length, so a
/// dropped, inserted or changed character each costs one. Per-position argmax agreement judges a coin-flip position
/// (a space spread over positions that each lean blank by a hair) as a miss although the text a decoder reads from it does
/// not change; this metric judges the text.
/// </summary>
internal static class CtcTextAgreement
{
    public static (long Agree, long Count) Count(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, int positions, int classes, int blank)
    {
        long agree = 0, count = 0;
        int size = positions * classes;
        for (int start = 0; start + size <= reference.Length; start += size)
        {
            var expected = CtcBeamSearch.Decode(reference.Slice(start, size), positions, classes, blank);
            var sequence = candidate.Slice(start, size);
            if (HasNaN(sequence))
            {
                count += Math.Max(expected.Length, 1); // a NaN reads nothing: it agrees with no character
                continue;
            }

            var actual = CtcBeamSearch.Decode(sequence, positions, classes, blank);
            int length = Math.Max(expected.Length, actual.Length);
            agree += length - EditDistance.Levenshtein(expected, actual);
            count += length;
        }

        return (agree, count);
    }

    private static bool HasNaN(ReadOnlySpan<float> values)
    {
        foreach (var v in values) if (float.IsNaN(v)) return true;
        return false;
    }
}
