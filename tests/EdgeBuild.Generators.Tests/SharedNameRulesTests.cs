using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EdgeBuild.Generators.Tests;

/// <summary>
/// The identifier rule (src/Shared/CSharpNames.cs) and the wrapper's member list (src/Shared/GeneratedMembers.cs) are
/// linked into the MSBuild task, which cannot load Roslyn; these tests hold them to Roslyn and to what the emitter emits.
/// </summary>
public sealed class SharedNameRulesTests
{
    [Fact]
    public void The_keyword_lists_are_Roslyns()
    {
        var reserved = SyntaxFacts.GetReservedKeywordKinds().Select(SyntaxFacts.GetText).Order(StringComparer.Ordinal);
        var contextual = SyntaxFacts.GetContextualKeywordKinds().Select(SyntaxFacts.GetText).Order(StringComparer.Ordinal);
        Assert.True(reserved.SequenceEqual(CSharpNames.Keywords.Order(StringComparer.Ordinal)), "reserved: " + string.Join(", ", reserved));
        Assert.True(contextual.SequenceEqual(CSharpNames.ContextualKeywords.Order(StringComparer.Ordinal)), "contextual: " + string.Join(", ", contextual));
        Assert.Equal(contextual, CSharpNames.ContextualKeywords.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("TextDetector", true)]
    [InlineData("_x1", true)]
    [InlineData("Été", true)]
    [InlineData("class", false)]
    [InlineData("record", false)]
    [InlineData("1x", false)]
    [InlineData("a-b", false)]
    [InlineData("", false)]
    public void The_identifier_rule_agrees_with_Roslyn(string name, bool valid)
    {
        Assert.Equal(valid, CSharpNames.IsIdentifier(name));
        Assert.Equal(SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None
            && SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None, CSharpNames.IsIdentifier(name));
    }

    /// <summary>Every member the generated class declares is reserved; a new member the emitter writes fails here until listed.</summary>
    [Theory]
    [InlineData("ch_ppocr_mobile_v2.0_cls_infer.edgemodel.json", "Ocr.Models.ChPpocrMobileV20ClsInfer.g.cs")]
    [InlineData("multi_io.edgemodel.json", "Sensors.FusionModel.g.cs")]
    public void Every_member_of_the_generated_class_is_a_reserved_name(string manifest, string hintName)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Manifest(manifest));
        var root = CSharpSyntaxTree.ParseText(GeneratorHarness.GeneratedSource(result, hintName)).GetRoot();
        var wrapper = root.DescendantNodes().OfType<ClassDeclarationSyntax>().First();
        var names = new List<string>();
        foreach (var member in wrapper.Members)
        {
            switch (member)
            {
                case MethodDeclarationSyntax m: names.Add(m.Identifier.Text); break;
                case PropertyDeclarationSyntax p: names.Add(p.Identifier.Text); break;
                case BaseTypeDeclarationSyntax t: names.Add(t.Identifier.Text); break;
                case BaseFieldDeclarationSyntax f: names.AddRange(f.Declaration.Variables.Select(v => v.Identifier.Text)); break;
            }
        }

        Assert.Contains("Wrap", names);
        Assert.DoesNotContain(names, n => !GeneratedMembers.IsReserved(n));
    }

    [Theory]
    [InlineData("Wrap")]
    [InlineData("Create")]
    [InlineData("_input0")]
    [InlineData("class")]
    public void The_generator_refuses_a_reserved_or_keyword_class_name(string className)
    {
        var problem = CSharpNames.ClassNameProblem(className);
        Assert.NotNull(problem);
        Assert.Contains("Use another name", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_GeneratedCode_version_is_the_builds()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Manifest("multi_io.edgemodel.json"));
        var version = typeof(EdgeModelGenerator).Assembly.GetName().Version!.ToString(3);
        Assert.Contains($"GeneratedCode(\"EdgeBuild.Generators\", \"{version}\")", GeneratorHarness.GeneratedSource(result, "Sensors.FusionModel.g.cs"), StringComparison.Ordinal);
    }
}
