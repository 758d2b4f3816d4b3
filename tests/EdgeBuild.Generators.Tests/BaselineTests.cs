using Microsoft.CodeAnalysis;

namespace EdgeBuild.Generators.Tests;

/// <summary>
/// Snapshot tests: the generated source must equal the committed baseline byte for byte and compile without a
/// single warning (XML docs checked). After an intended change, regenerate the baselines with
/// <c>EDGEBUILD_UPDATE_BASELINES=1 dotnet test tests/EdgeBuild.Generators.Tests</c> and review the diff.
/// </summary>
public sealed class BaselineTests
{
    [Theory]
    [InlineData("ch_ppocr_mobile_v2.0_cls_infer.edgemodel.json", "Ocr.Models.ChPpocrMobileV20ClsInfer.g.cs")]
    [InlineData("multi_io.edgemodel.json", "Sensors.FusionModel.g.cs")]
    [InlineData("ch_PP-OCRv4_det_infer.edgemodel.json", "MyApp.TextDetector.g.cs")]
    [InlineData("awkward_names.edgemodel.json", "Consumer.App.AwkwardNames.g.cs")]
    public void Generated_source_matches_baseline_and_compiles_cleanly(string manifest, string hintName)
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Manifest(manifest));

        Assert.Empty(result.Diagnostics);
        var source = GeneratorHarness.GeneratedSource(result, hintName);
        var baselinePath = Path.Combine(GeneratorHarness.BaselinesDir, hintName);
        if (Environment.GetEnvironmentVariable("EDGEBUILD_UPDATE_BASELINES") == "1")
            File.WriteAllText(baselinePath, source);

        Assert.True(File.Exists(baselinePath), $"Baseline {baselinePath} is missing; run with EDGEBUILD_UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(baselinePath), source);

        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Output_is_identical_across_runs_and_manifest_order()
    {
        var a = GeneratorHarness.Manifest("multi_io.edgemodel.json");
        var b = GeneratorHarness.Manifest("ch_PP-OCRv4_det_infer.edgemodel.json");

        var first = GeneratorHarness.Run(a, b).Result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString()));
        var second = GeneratorHarness.Run(b, a).Result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString()));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Generated_source_uses_lf_line_endings_only()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Manifest("multi_io.edgemodel.json"));
        var source = result.GeneratedSources.Single().SourceText.ToString();
        Assert.DoesNotContain('\r', source);
    }
}
