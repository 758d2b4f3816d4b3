using System.Text;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;
using Microsoft.CodeAnalysis;

namespace EdgeBuild.Generators.Tests;

/// <summary>
/// The two ends of docs/contracts.md section 1 agree: what <see cref="ManifestWriter"/> (the optimize command)
/// writes for every built-in target is read by the generator without a diagnostic and compiles cleanly.
/// </summary>
public sealed class ManifestContractTests
{
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var id in ProfileCatalog.Ids) data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Manifest_written_by_the_optimizer_generates_a_clean_wrapper(string target)
    {
        var manifest = new SignatureManifest
        {
            ClassName = "TextDetector",
            Namespace = "My.App",
            ModelFileName = "TextDetector.onnx",
            Embedded = false,
            ResourceName = null,
            Sha256 = "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff",
            Target = target,
            Precision = PlanValue.Of(ProfileCatalog.Get(target).Precision.DefaultPrecision),
            Session = ProfileCatalog.Get(target).Session,
            Inputs = [new TensorSignature("x", "float32", [1, 3, 640, 640], ["p2o.DynamicDimension.0", null, "p2o.DynamicDimension.1", "p2o.DynamicDimension.2"])],
            Outputs = [new TensorSignature("sigmoid_0.tmp_0<&'+>", "float32", [1, 1, 640, 640], [null, null, null, null])],
        };
        var json = Encoding.UTF8.GetString(ManifestWriter.ToBytes(manifest));

        var (result, output) = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/obj/TextDetector.edgemodel.json", json));

        Assert.Empty(result.Diagnostics);
        var source = GeneratorHarness.GeneratedSource(result, "My.App.TextDetector.g.cs");
        Assert.Contains("public const string Sigmoid0Tmp0Name = \"sigmoid_0.tmp_0<&'+>\";", source);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Unresolved_dim_written_by_the_optimizer_is_EDGEGEN001()
    {
        var manifest = new SignatureManifest
        {
            ClassName = "M",
            Namespace = null,
            ModelFileName = "M.onnx",
            Embedded = true,
            ResourceName = "App.M.onnx",
            Sha256 = new string('a', 64),
            Target = "rpi5",
            Precision = "int8",
            Session = ProfileCatalog.Get("rpi5").Session,
            Inputs = [new TensorSignature("x", "float32", [1, 3, -1, 640], [null, null, "H", null])],
            Outputs = [new TensorSignature("y", "float32", [1], [null])],
        };

        var (result, _) = GeneratorHarness.Run(new InMemoryAdditionalText("/proj/obj/M.edgemodel.json", Encoding.UTF8.GetString(ManifestWriter.ToBytes(manifest))));

        Assert.Equal("EDGEGEN001", Assert.Single(result.Diagnostics).Id);
    }
}
