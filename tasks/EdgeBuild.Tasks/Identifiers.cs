using System.Linq;

namespace EdgeBuild.Tasks;

/// <summary>
/// Checks of the ClassName and Namespace metadata an item declares. The default ClassName comes from
/// <see cref="PascalCase.ClassNameForFile"/>, the rule the generator documents.
/// </summary>
internal static class Identifiers
{
    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');

    public static bool IsNamespace(string name) => name.Split('.').All(IsIdentifier);
}
