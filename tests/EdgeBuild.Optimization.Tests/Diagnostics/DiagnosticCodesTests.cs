using System.Reflection;
using System.Text.RegularExpressions;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Diagnostics;

/// <summary>src/Shared/DiagnosticCodes.cs and docs/diagnostics.md list the same codes: none undocumented, none stale.</summary>
public sealed partial class DiagnosticCodesTests
{
    private static IReadOnlyList<string> Codes() =>
        typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(DiagnosticCodes.BudgetPrefix))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

    /// <summary>Codes the page documents: a table row's first cell or a heading.</summary>
    private static HashSet<string> Documented()
    {
        var text = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "docs", "diagnostics.md"));
        return DocumentedCode().Matches(text).Select(m => m.Groups["code"].Value).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Every_code_is_documented_in_docs_diagnostics()
    {
        var documented = Documented();
        Assert.DoesNotContain(Codes(), c => !documented.Contains(c));
    }

    [Fact]
    public void Every_documented_code_is_a_named_constant()
    {
        var codes = Codes().ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(Documented(), c => !codes.Contains(c));
        Assert.Equal(codes.Count, Codes().Count); // no code named twice
    }

    [GeneratedRegex(@"^(?:\| (?<code>EDGE(?:GEN)?\d{3,4}) \||### (?<code>EDGE(?:GEN)?\d{3,4})\s*$)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex DocumentedCode();
}
