using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeBuild.Generators.Tests;

/// <summary>
/// The generator must not redo work when the user edits code: every tracked step reports Cached or Unchanged,
/// and nothing is emitted again. An edited manifest, in turn, must rerun the steps after it.
/// </summary>
public sealed class IncrementalCachingTests
{
    private static readonly string[] TrackedSteps =
    {
        "RootNamespace", "ManifestText", "ManifestResult", "AllManifests",
    };

    [Fact]
    public void Unrelated_source_edit_leaves_every_tracked_step_cached()
    {
        var manifests = new[]
        {
            GeneratorHarness.Manifest("ch_PP-OCRv4_det_infer.edgemodel.json"),
            GeneratorHarness.Manifest("multi_io.edgemodel.json"),
        };
        var compilation = GeneratorHarness.Compilation("class Placeholder { }");
        var driver = GeneratorHarness.CreateDriver(manifests).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { void M() { } }", GeneratorHarness.ParseOptions));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} is not tracked");
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Edited_manifest_reruns_only_its_own_parse()
    {
        var detector = GeneratorHarness.Manifest("ch_PP-OCRv4_det_infer.edgemodel.json");
        var multi = GeneratorHarness.Manifest("multi_io.edgemodel.json");
        var driver = GeneratorHarness.CreateDriver(new[] { detector, multi }).RunGenerators(GeneratorHarness.Compilation("class P { }"));

        var editedText = multi.GetText()!.ToString().Replace("\"intraOpThreads\": 6", "\"intraOpThreads\": 5");
        driver = driver.ReplaceAdditionalText(multi, new InMemoryAdditionalText(multi.Path, editedText));
        var result = driver.RunGenerators(GeneratorHarness.Compilation("class P { }")).GetRunResult().Results.Single();

        var parse = result.TrackedSteps["ManifestResult"].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, parse);
        Assert.Contains(IncrementalStepRunReason.Cached, parse);
        Assert.Contains("IntraOpThreads = 5", result.GeneratedSources.Single(s => s.HintName == "Sensors.FusionModel.g.cs").SourceText.ToString());
    }
}
