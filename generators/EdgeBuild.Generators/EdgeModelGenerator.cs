using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace EdgeBuild.Generators;

/// <summary>
/// Generates a typed wrapper class per <c>*.edgemodel.json</c> in <c>AdditionalFiles</c>. Pipeline: manifest text
/// (path + content) → <see cref="ManifestResult"/> (equatable spec + diagnostic data) → collected → source. The
/// root namespace comes from <c>build_property.RootNamespace</c>. The generator never reads files itself.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class EdgeModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) && !string.IsNullOrWhiteSpace(ns) ? ns.Trim() : null)
            .WithTrackingName(TrackingNames.RootNamespace);

        var manifests = context.AdditionalTextsProvider
            .Where(static file => ManifestParser.IsManifest(file.Path))
            .Select(static (file, ct) => (file.Path, Content: file.GetText(ct)?.ToString()))
            .WithTrackingName(TrackingNames.ManifestText);

        var results = manifests
            .Combine(rootNamespace)
            .Select(static (pair, ct) => ManifestParser.Parse(pair.Left.Path, pair.Left.Content, pair.Right, ct))
            .WithTrackingName(TrackingNames.ManifestResult);

        // Collected so two manifests naming the same class become a diagnostic rather than a duplicate hint name.
        var all = results
            .Collect()
            .Select(static (items, _) => items.OrderBy(r => r.FilePath, StringComparer.Ordinal).ToImmutableEquatableArray())
            .WithTrackingName(TrackingNames.AllManifests);

        context.RegisterSourceOutput(all, static (spc, items) => Emit(spc, items));
    }

    private static void Emit(SourceProductionContext context, ImmutableEquatableArray<ManifestResult> results)
    {
        var emitted = new Dictionary<string, ManifestResult>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            foreach (var diagnostic in result.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (result.Model is not { } model) continue;

            if (emitted.TryGetValue(model.FullName, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateClass,
                    Location.Create(result.FilePath, default, default),
                    model.FullName, first.FilePath, result.FilePath));
                continue;
            }

            emitted.Add(model.FullName, result);
            context.AddSource(ModelEmitter.HintName(model), ModelEmitter.Emit(model));
        }
    }
}
