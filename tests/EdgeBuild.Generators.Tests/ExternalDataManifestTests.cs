using Microsoft.CodeAnalysis;

namespace EdgeBuild.Generators.Tests;

/// <summary>
/// A manifest with <c>externalData</c> (docs/contracts.md §1) gives a wrapper whose model info names the data file and
/// its hash, so the runtime checks and loads both; one without it generates exactly what it did before.
/// </summary>
public sealed class ExternalDataManifestTests
{
    private const string Manifest = """
        {
          "schemaVersion": 1,
          "className": "Model",
          "namespace": "App",
          "modelFileName": "Model.onnx",
          "embedded": false,
          "resourceName": null,
          "sha256": "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff",
          "externalData": { "fileName": "Model.onnx.data", "sha256": "AB0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd" },
          "inputs": [ { "name": "x", "elementType": "float32", "shape": [1, 4], "dimNames": [null, null] } ],
          "outputs": [ { "name": "y", "elementType": "float32", "shape": [1, 4], "dimNames": [null, null] } ]
        }
        """;

    [Fact]
    public void The_wrapper_names_the_data_file_and_its_hash_and_compiles()
    {
        var (result, output) = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/obj/Model.edgemodel.json", Manifest));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var source = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("ExternalDataFileName = \"Model.onnx.data\",", source);
        Assert.Contains("ExternalDataSha256 = \"ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\",", source);

        var inline = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/obj/Model.edgemodel.json",
            Manifest.Replace("\"externalData\": { \"fileName\": \"Model.onnx.data\", \"sha256\": \"AB0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\" },", ""))).Result;
        Assert.DoesNotContain("ExternalData", inline.GeneratedSources.Single().SourceText.ToString());
    }

    [Theory]
    [InlineData("\"embedded\": false", "\"embedded\": true, \"resourceName\": \"App.Model.onnx\"", "an embedded model cannot have")]
    [InlineData("\"fileName\": \"Model.onnx.data\"", "\"fileName\": \"../Model.onnx.data\"", "must be a plain file name")]
    [InlineData("\"sha256\": \"AB01", "\"sha256\": \"XY01", "\"externalData.sha256\" must be 64 hexadecimal digits")]
    public void A_bad_externalData_is_a_manifest_error(string find, string replace, string message)
    {
        var json = Manifest.Replace(find, replace).Replace("\"resourceName\": null,", find.StartsWith("\"embedded", StringComparison.Ordinal) ? "" : "\"resourceName\": null,");
        var (result, _) = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/obj/Model.edgemodel.json", json));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.GeneratedSources);
    }
}
