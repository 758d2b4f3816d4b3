using System.Linq;
using System.Text;

namespace EdgeBuild.Tasks;

/// <summary>
/// C# names derived from file names: the default ClassName of an EdgeModel is its file name in
/// PascalCase (`ch_PP-OCRv4_det_infer` → `ChPPOCRv4DetInfer`), the rule the generator documents.
/// </summary>
internal static class Identifiers
{
    public static string PascalCase(string name)
    {
        var sb = new StringBuilder();
        foreach (var part in name.Split(c => !IsAsciiLetterOrDigit(c)))
        {
            if (part.Length == 0) continue;
            sb.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        }

        if (sb.Length == 0) return "Model";
        return char.IsDigit(sb[0]) ? "Model" + sb : sb.ToString();
    }

    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');

    public static bool IsNamespace(string name) => name.Split('.').All(IsIdentifier);

    private static bool IsAsciiLetterOrDigit(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9';

    private static string[] Split(this string s, System.Func<char, bool> isSeparator)
    {
        var parts = new System.Collections.Generic.List<string>();
        var current = new StringBuilder();
        foreach (var c in s)
        {
            if (isSeparator(c))
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else current.Append(c);
        }

        parts.Add(current.ToString());
        return parts.ToArray();
    }
}
