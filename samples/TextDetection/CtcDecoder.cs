namespace TextDetection;

/// <summary>
/// Greedy CTC decoding of PP-OCR's recognizer output ([1, T, classes] probabilities): take each position's most
/// likely class, merge repeats, drop blanks. Class 0 is the blank, class i (1..n) is line i of the dictionary
/// (ppocr_keys_v1.txt), and the last class, n + 1, is a space.
/// </summary>
public sealed class CtcDecoder(string[] dictionary)
{
    public static CtcDecoder Load(string path) => new(File.ReadAllLines(path));

    /// <summary>The number of classes the recognizer must output for this dictionary: blank, the lines, space.</summary>
    public int Classes => dictionary.Length + 2;

    /// <returns>The text and its score: the mean probability of the characters kept (PaddleOCR's).</returns>
    public (string Text, float Score) Decode(ReadOnlySpan<float> probabilities, int positions)
    {
        var text = new System.Text.StringBuilder();
        float sum = 0;
        int kept = 0, previous = -1;
        for (int t = 0; t < positions; t++)
        {
            var row = probabilities.Slice(t * Classes, Classes);
            int best = 0;
            for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
            if (best != 0 && best != previous)
            {
                text.Append(best <= dictionary.Length ? dictionary[best - 1] : " ");
                sum += row[best];
                kept++;
            }

            previous = best;
        }

        return (text.ToString(), kept == 0 ? 0 : sum / kept);
    }
}
