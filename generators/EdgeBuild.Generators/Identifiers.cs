using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace EdgeBuild.Generators;

/// <summary>Parameter names for tensors; the identifier rule itself is the shared <see cref="CSharpNames"/>.</summary>
internal static class Identifiers
{
    /// <summary>camelCase of a PascalCase identifier, escaped with <c>@</c> when it is a keyword.</summary>
    public static string ToParameterName(string pascal)
    {
        var camel = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return CSharpNames.IsKeyword(camel) ? "@" + camel : camel;
    }
}

/// <summary>
/// Hands out unique identifiers within one scope. A name is taken together with the names derived from it
/// (<c>X</c> claims <c>XLength</c>, <c>XShape</c>, <c>XName</c>), so a later tensor cannot collide with those;
/// a collision gets the first free numeric suffix starting at 2 (<c>X</c>, <c>X2</c>).
/// </summary>
internal sealed class UniqueNames
{
    private readonly HashSet<string> _taken;
    private readonly string[] _derivedSuffixes;

    public UniqueNames(IEnumerable<string> reserved, params string[] derivedSuffixes)
    {
        _taken = new HashSet<string>(reserved, System.StringComparer.Ordinal);
        _derivedSuffixes = derivedSuffixes;
    }

    public string Claim(string baseName)
    {
        var candidate = baseName;
        for (var n = 2; !IsFree(candidate); n++) candidate = baseName + n.ToString(CultureInfo.InvariantCulture);
        _taken.Add(candidate);
        foreach (var suffix in _derivedSuffixes) _taken.Add(candidate + suffix);
        return candidate;
    }

    private bool IsFree(string name)
    {
        if (_taken.Contains(name)) return false;
        foreach (var suffix in _derivedSuffixes)
        {
            if (_taken.Contains(name + suffix)) return false;
        }

        return true;
    }
}
