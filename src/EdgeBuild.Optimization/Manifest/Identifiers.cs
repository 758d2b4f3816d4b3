using System.Text;

namespace EdgeBuild.Optimization.Manifest;

/// <summary>Turns file names into C# class names for the manifest's default className.</summary>
public static class Identifiers
{
    /// <summary>"ch_PP-OCRv4_det" → "ChPPOCRv4Det"; a leading digit gets a "Model" prefix.</summary>
    public static string ToClassName(string text)
    {
        var sb = new StringBuilder();
        var upperNext = true;
        foreach (var c in text)
        {
            if (!char.IsLetterOrDigit(c) || c > 127)
            {
                upperNext = true;
                continue;
            }

            sb.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }

        if (sb.Length == 0) return "Model";
        return char.IsDigit(sb[0]) ? "Model" + sb : sb.ToString();
    }
}
