using Microsoft.CodeAnalysis;

namespace EdgeBuild.Generators.Tests;

/// <summary>Each diagnostic fires on the manifest that deserves it, names the file and the fix, and points at the JSON value.</summary>
public sealed class DiagnosticsTests
{
    private const string Valid = """
        {
          "schemaVersion": 1,
          "className": "Model",
          "namespace": "App",
          "modelFileName": "Model.onnx",
          "embedded": false,
          "resourceName": null,
          "sha256": "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff",
          "inputs": [ { "name": "x", "elementType": "float32", "shape": [1, 3, 640, 640], "dimNames": ["N", null, "H", "W"] } ],
          "outputs": [ { "name": "y", "elementType": "float32", "shape": [1, 1], "dimNames": [null, null] } ]
        }
        """;

    private static (IReadOnlyList<Diagnostic> Diagnostics, int Sources) Run(string json, string fileName = "model.edgemodel.json")
    {
        var result = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/obj/" + fileName, json)).Result;
        return (result.Diagnostics, result.GeneratedSources.Length);
    }

    [Fact]
    public void Valid_manifest_has_no_diagnostics()
    {
        var (diagnostics, sources) = Run(Valid);
        Assert.Empty(diagnostics);
        Assert.Equal(1, sources);
    }

    [Fact]
    public void Unresolved_symbolic_dim_names_the_dim_the_file_and_the_fix()
    {
        var (diagnostics, sources) = Run(Valid.Replace("[1, 3, 640, 640]", "[1, 3, -1, 640]"));

        var d = Assert.Single(diagnostics);
        Assert.Equal("EDGEGEN001", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        var message = d.GetMessage();
        Assert.Contains("'H'", message);
        Assert.Contains("model.edgemodel.json", message);
        Assert.Contains("Dims=\"H=640\"", message);
        Assert.Equal("/proj/obj/model.edgemodel.json", d.Location.GetLineSpan().Path);
        Assert.Equal(8, d.Location.GetLineSpan().StartLinePosition.Line); // the "inputs" line, zero-based
        Assert.Equal(0, sources);
    }

    [Fact]
    public void Unnamed_unresolved_dim_is_named_by_its_axis()
    {
        var (diagnostics, _) = Run(Valid.Replace("[1, 1]", "[1, -1]"));
        Assert.Contains("axis 1", Assert.Single(diagnostics).GetMessage());
    }

    [Theory]
    [InlineData("string")]
    [InlineData("bfloat16")]
    [InlineData("complex64")]
    [InlineData("uint64")]
    public void Unsupported_element_type_is_EDGEGEN002(string type)
    {
        var (diagnostics, sources) = Run(Valid.Replace("\"name\": \"y\", \"elementType\": \"float32\"", $"\"name\": \"y\", \"elementType\": \"{type}\""));

        var d = Assert.Single(diagnostics);
        Assert.Equal("EDGEGEN002", d.Id);
        Assert.Contains($"'{type}'", d.GetMessage());
        Assert.Contains("output 'y'", d.GetMessage());
        Assert.Equal(0, sources);
    }

    [Theory]
    [InlineData("{ \"schemaVersion\": 1,", "invalid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{ \"schemaVersion\": 2 }", "schemaVersion 2 is not supported")]
    [InlineData("{ \"schemaVersion\": 1, \"schemaVersion\": 1 }", "duplicate property")]
    public void Broken_documents_are_EDGEGEN003_naming_the_file(string json, string expected)
    {
        var (diagnostics, sources) = Run(json);

        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal("EDGEGEN003", d.Id));
        Assert.Contains(diagnostics, d => d.GetMessage().Contains(expected, StringComparison.Ordinal) && d.GetMessage().Contains("model.edgemodel.json", StringComparison.Ordinal));
        Assert.Equal(0, sources);
    }

    [Theory]
    [InlineData("\"sha256\": \"30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff\",", "\"sha256\": \"abc\",", "64 hexadecimal digits")]
    [InlineData("\"modelFileName\": \"Model.onnx\",", "", "\"modelFileName\" is missing")]
    [InlineData("\"shape\": [1, 1]", "\"shape\": [1, 0]", "dim 1 of output 'y' must be a positive integer")]
    [InlineData("\"embedded\": false", "\"embedded\": true", "\"resourceName\" is missing")]
    [InlineData("\"dimNames\": [null, null] }", "\"dimNames\": [null] }", "as long as \"shape\"")]
    [InlineData("\"name\": \"y\"", "\"name\": \"x\", \"unused\": 1 }, { \"name\": \"x\"", "")]
    public void Invalid_fields_are_EDGEGEN003_saying_what_is_wrong(string find, string replace, string expected)
    {
        var json = Valid.Replace(find, replace);
        Assert.NotEqual(Valid, json);
        var (diagnostics, sources) = Run(json);

        Assert.Contains(diagnostics, d => d.Id == "EDGEGEN003" && d.GetMessage().Contains(expected, StringComparison.Ordinal));
        Assert.Equal(0, sources);
    }

    [Fact]
    public void Session_values_outside_the_contract_are_EDGEGEN003()
    {
        var json = Valid.Replace("\"inputs\"", "\"session\": { \"graphOptimizationLevel\": \"max\", \"intraOpThreads\": -2 },\n  \"inputs\"");
        var (diagnostics, _) = Run(json);

        Assert.Contains(diagnostics, d => d.GetMessage().Contains("graphOptimizationLevel\" must be one of disabled, basic, extended, all", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("intraOpThreads", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"className\": \"Model\"", "\"className\": \"class\"", "class name 'class'")]
    [InlineData("\"className\": \"Model\"", "\"className\": \"Run\"", "class name 'Run'")]
    [InlineData("\"className\": \"Model\"", "\"className\": \"My-Model\"", "class name 'My-Model'")]
    [InlineData("\"namespace\": \"App\"", "\"namespace\": \"App..Models\"", "namespace 'App..Models'")]
    public void Unusable_class_names_and_namespaces_are_EDGEGEN004(string find, string replace, string expected)
    {
        var (diagnostics, sources) = Run(Valid.Replace(find, replace));

        var d = Assert.Single(diagnostics);
        Assert.Equal("EDGEGEN004", d.Id);
        Assert.Contains(expected, d.GetMessage());
        Assert.Equal(0, sources);
    }

    [Fact]
    public void Two_manifests_for_the_same_class_are_EDGEGEN005_and_one_class_is_still_generated()
    {
        var result = GeneratorHarness.Run(
            new InMemoryAdditionalText("/proj/a/one.edgemodel.json", Valid),
            new InMemoryAdditionalText("/proj/b/two.edgemodel.json", Valid)).Result;

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("EDGEGEN005", d.Id);
        Assert.Contains("App.Model", d.GetMessage());
        Assert.Single(result.GeneratedSources);
    }

    [Fact]
    public void Files_that_are_not_manifests_are_ignored()
    {
        var result = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/settings.json", "not json at all")).Result;
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Default_class_name_comes_from_the_file_name_and_namespace_from_RootNamespace()
    {
        var json = Valid.Replace("\"className\": \"Model\"", "\"className\": null").Replace("\"namespace\": \"App\"", "\"namespace\": null");
        var result = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/obj/ch_PP-OCRv4_det_infer.edgemodel.json", json)).Result;

        Assert.Empty(result.Diagnostics);
        Assert.Equal("Consumer.App.ChPPOCRv4DetInfer.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }

    [Fact]
    public void Every_descriptor_is_documented_in_docs_diagnostics_md()
    {
        var docs = File.ReadAllText(Path.Combine(EdgeBuild.Tests.Shared.TestAssets.RepoRoot, "docs", "diagnostics.md"));
        var ids = typeof(EdgeModelGenerator).Assembly.GetType("EdgeBuild.Generators.DiagnosticDescriptors")!
            .GetProperties().Select(p => ((DiagnosticDescriptor)p.GetValue(null)!).Id).ToList();

        Assert.Equal(5, ids.Count);
        Assert.All(ids, id => Assert.Contains("### " + id, docs));
    }
}
