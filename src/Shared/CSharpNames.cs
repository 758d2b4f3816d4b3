using System;
using System.Globalization;

namespace EdgeBuild;

/// <summary>
/// The one identifier rule for ClassName and Namespace: what the MSBuild task checks before the tool runs and what the
/// generator checks in the manifest (linked source: the task cannot load Roslyn). A C# identifier that is not a
/// keyword (reserved or contextual: `class` would not compile, `record` or `await` misread as a type name),
/// and a class name that is not a member the generated class declares (<see cref="GeneratedMembers"/>, CS0542).
/// The keyword lists are Roslyn's: EdgeBuild.Generators.Tests compares them with SyntaxFacts.
/// </summary>
internal static class CSharpNames
{
    public static readonly string[] Keywords =
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long",
        "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected", "public",
        "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct", "switch",
        "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void",
        "volatile", "while", "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    public static readonly string[] ContextualKeywords =
    {
        "add", "alias", "allows", "and", "ascending", "assembly", "async", "await", "by", "descending", "equals", "extension",
        "field", "file", "from", "get", "global", "group", "init", "into", "join", "let", "managed", "method", "module",
        "nameof", "not", "on", "or", "orderby", "param", "partial", "property", "record", "remove", "required", "scoped",
        "select", "set", "type", "typevar", "unmanaged", "when", "where", "with", "yield",
    };

    public static bool IsKeyword(string name) =>
        Array.IndexOf(Keywords, name) >= 0 || Array.IndexOf(ContextualKeywords, name) >= 0;

    /// <summary>A C# identifier (Unicode letter or '_' first; letters, digits, connectors, combining marks after) and no keyword.</summary>
    public static bool IsIdentifier(string name) => IsIdentifierSyntax(name) && !IsKeyword(name);

    public static bool IsNamespace(string name) => Array.TrueForAll(name.Split('.'), IsIdentifier);

    /// <summary>Why <paramref name="name"/> cannot be the generated class's name, with the fix; null when it can.</summary>
    public static string? ClassNameProblem(string name)
    {
        if (!IsIdentifierSyntax(name)) return "is not a C# identifier. Use letters, digits and '_', starting with a letter, such as TextDetector";
        if (IsKeyword(name)) return $"is a C# keyword. Use another name, such as {Suggestion(name)}";
        if (GeneratedMembers.IsReserved(name)) return $"is the name of a member of the generated class (CS0542). Use another name, such as {Suggestion(name)}";
        return null;
    }

    private static string Suggestion(string name) => PascalCase.ClassNameForFile(name) + "Model";

    private static bool IsIdentifierSyntax(string name)
    {
        if (name.Length == 0) return false;
        if (!(name[0] == '_' || IsLetter(CharUnicodeInfo.GetUnicodeCategory(name[0])))) return false;
        for (var i = 1; i < name.Length; i++)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(name[i]);
            if (!(IsLetter(category) || category is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation
                    or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format))
                return false;
        }

        return true;
    }

    private static bool IsLetter(UnicodeCategory c) => c is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;
}
