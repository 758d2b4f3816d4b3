using System.Globalization;
using System.Text;

namespace EdgeBuild;

/// <summary>
/// The one rule that turns ONNX tensor names and model file names into C# identifiers. Compiled into the
/// generator, the MSBuild tasks and the optimizer (linked source: they target different frameworks), so the
/// class name the build picks, the manifest records and the generator falls back to can never drift apart.
/// </summary>
internal static class PascalCase
{
    /// <summary>
    /// PascalCases the alphanumeric runs of <paramref name="name"/>: <c>sigmoid_0.tmp_0</c> → <c>Sigmoid0Tmp0</c>,
    /// <c>onnx::Flatten_0</c> → <c>OnnxFlatten0</c>; a leading digit gets <paramref name="digitPrefix"/>
    /// (<c>39</c> → <c>Value39</c>), and so does a name with no letter or digit at all. Casing inside a run is
    /// kept: <c>PP-OCRv4</c> → <c>PPOCRv4</c>. Letters outside ASCII are kept: C# allows them in identifiers.
    /// </summary>
    public static string From(string name, string digitPrefix)
    {
        var result = new StringBuilder(name.Length);
        var startOfRun = true;
        foreach (var c in name)
        {
            if (!IsWordCharacter(c))
            {
                startOfRun = true;
                continue;
            }

            result.Append(startOfRun ? char.ToUpperInvariant(c) : c);
            startOfRun = false;
        }

        if (result.Length == 0) return digitPrefix;
        if (char.IsDigit(result[0])) result.Insert(0, digitPrefix);
        return result.ToString();
    }

    /// <summary>The class name for a model file: its name without extension, PascalCased, digits prefixed with <c>Model</c>.</summary>
    public static string ClassNameForFile(string fileNameWithoutExtension) => From(fileNameWithoutExtension, "Model");

    private static bool IsWordCharacter(char c)
    {
        if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber;
    }
}
