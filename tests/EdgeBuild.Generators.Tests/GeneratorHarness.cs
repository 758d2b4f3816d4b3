using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using EdgeBuild.Generators;
using EdgeBuild.Tests.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace EdgeBuild.Generators.Tests;

/// <summary>Runs the generator the way the compiler does: additional files, analyzer options, step tracking.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    public static string ManifestsDir => Path.Combine(TestAssets.RepoRoot, "tests", "EdgeBuild.Generators.Tests", "Manifests");

    public static string BaselinesDir => Path.Combine(TestAssets.RepoRoot, "tests", "EdgeBuild.Generators.Tests", "Baselines");

    public static AdditionalText Manifest(string fileName) =>
        new InMemoryAdditionalText(Path.Combine(ManifestsDir, fileName), File.ReadAllText(Path.Combine(ManifestsDir, fileName)));

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            Basic.Reference.Assemblies.Net80.References.All.Concat(new[]
            {
                MetadataReference.CreateFromFile(typeof(EdgeBuild.Runtime.EdgeModelSession).Assembly.Location),
                MetadataReference.CreateFromFile(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.Location),
            }),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> manifests, string? rootNamespace = "Consumer.App") =>
        CSharpGeneratorDriver.Create(
            new[] { new EdgeModelGenerator().AsSourceGenerator() },
            manifests,
            ParseOptions,
            new TestOptionsProvider(rootNamespace),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (GeneratorRunResult Result, Compilation Output) Run(params AdditionalText[] manifests)
    {
        var driver = CreateDriver(manifests).RunGeneratorsAndUpdateCompilation(Compilation("class Placeholder { }"), out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    public static string GeneratedSource(GeneratorRunResult result, string hintName) =>
        result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}

internal sealed class InMemoryAdditionalText(string path, string content) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(content, Encoding.UTF8);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

internal sealed class TestOptionsProvider(string? rootNamespace) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(
        rootNamespace is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", rootNamespace));

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(ImmutableDictionary<string, string>.Empty);

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(ImmutableDictionary<string, string>.Empty);

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
