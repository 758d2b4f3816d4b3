using System.Text.Json;
using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Issue 13, acceptance 3: what Visual Studio's fast up-to-date check sees in a consumer of the package. It runs the
/// CollectUpToDateCheck*DesignTime targets in a design-time build; the package adds its targets to their DependsOn
/// lists, and these run here the same way: UpToDateCheckInput has the model, its external data, the calibration and
/// validation files and the profile; UpToDateCheckBuilt has the optimized model, its external data file when the item
/// asks for one (ExternalData="true") and the manifest. The EdgeModel
/// property page schema is registered for the Properties window.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class UpToDateCheckTests(PackageFeedFixture feed)
{
    [Fact]
    public void Design_time_build_exposes_model_data_and_profile_as_inputs_and_the_outputs_as_built()
    {
        var project = new ConsumerProject(feed, "UpToDateApp");
        var model = project.CopyDetector();
        var calibration = new[] { project.WriteFile("calib/a.npy", "x"), project.WriteFile("calib/b.npy", "x") };
        var validation = project.WriteFile("val/v.npy", "x");
        var profile = project.WriteFile("profiles/board.json", """{ "extends": "rpi5" }""");
        var (tiny, externalData) = WriteModelWithExternalData(project);
        project.ItemXml = $"""
                <EdgeModel Include="models/det.onnx" TargetDevice="rpi5" ClassName="TextDetector" CalibrationData="calib/*.npy" ValidationData="val" Profile="profiles/board.json" />
                <EdgeModel Include="models/tiny.onnx" TargetDevice="rpi5" Precision="none" ExternalData="true" />
            """;
        project.WriteProject();
        Dotnet.Run(project.Directory, ["restore", project.ProjectFile, "-nologo"], feed.Environment).EnsureSuccess("dotnet restore");

        var targets = Dotnet.Run(project.Directory,
            ["msbuild", project.ProjectFile, "-nologo", "-p:DesignTimeBuild=true", "-t:EdgeBuildCollectUpToDateCheckInput;EdgeBuildCollectUpToDateCheckBuilt",
             "-getItem:UpToDateCheckInput", "-getItem:UpToDateCheckBuilt", "-getItem:PropertyPageSchema",
             "-getProperty:CollectUpToDateCheckInputDesignTimeDependsOn", "-getProperty:CollectUpToDateCheckBuiltDesignTimeDependsOn"],
            feed.Environment).EnsureSuccess("design-time up-to-date targets");
        using var json = JsonDocument.Parse(targets.Output[targets.Output.IndexOf('{', StringComparison.Ordinal)..]);

        var inputs = FullPaths(json, "UpToDateCheckInput");
        foreach (var file in new[] { model, validation, profile, tiny, externalData }.Concat(calibration))
            Assert.Contains(Path.GetFullPath(file), inputs);

        var built = FullPaths(json, "UpToDateCheckBuilt");
        var obj = project.EdgeBuildObjDirectory;
        foreach (var file in new[] { "TextDetector.onnx", "TextDetector.edgemodel.json", "Tiny.onnx", "Tiny.edgemodel.json", "Tiny.onnx.data" })
            Assert.Contains(Path.Combine(obj, file), built);

        var properties = json.RootElement.GetProperty("Properties");
        Assert.Contains("EdgeBuildCollectUpToDateCheckInput", properties.GetProperty("CollectUpToDateCheckInputDesignTimeDependsOn").GetString(), StringComparison.Ordinal);
        Assert.Contains("EdgeBuildCollectUpToDateCheckBuilt", properties.GetProperty("CollectUpToDateCheckBuiltDesignTimeDependsOn").GetString(), StringComparison.Ordinal);
        var schema = Assert.Single(FullPaths(json, "PropertyPageSchema"), p => p.EndsWith("EdgeModel.xaml", StringComparison.Ordinal));
        Assert.True(File.Exists(schema), $"{schema} is not in the restored package");
    }

    private static List<string> FullPaths(JsonDocument json, string itemType) =>
        json.RootElement.GetProperty("Items").GetProperty(itemType).EnumerateArray()
            .Select(i => Path.GetFullPath(i.GetProperty("FullPath").GetString()!)).ToList();

    /// <summary>y = x + w with w stored in tiny.onnx.data: a model whose weights live in an external data file.</summary>
    private static (string Model, string Data) WriteModelWithExternalData(ConsumerProject project)
    {
        var data = project.WriteFile("models/tiny.onnx.data", "");
        File.WriteAllBytes(data, new byte[16]);
        var w = new TensorProto
        {
            Name = "w",
            DataType = (int)TensorProto.Types.DataType.Float,
            Dims = { 4 },
            DataLocation = TensorProto.Types.DataLocation.External,
            ExternalData =
            {
                new StringStringEntryProto { Key = "location", Value = "tiny.onnx.data" },
                new StringStringEntryProto { Key = "offset", Value = "0" },
                new StringStringEntryProto { Key = "length", Value = "16" },
            },
        };
        var floats = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 4 } } } } };
        var model = new ModelProto
        {
            IrVersion = 8,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 17 } },
            Graph = new GraphProto
            {
                Name = "tiny",
                Input = { new ValueInfoProto { Name = "x", Type = floats } },
                Output = { new ValueInfoProto { Name = "y", Type = floats } },
                Initializer = { w },
                Node = { new NodeProto { OpType = "Add", Input = { "x", "w" }, Output = { "y" } } },
            },
        };
        var path = Path.Combine(project.Directory, "models", "tiny.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return (path, data);
    }
}
