using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Issue 14, external data out, through a real consumer of the package: an EdgeModel with ExternalData="true" builds
/// into NAME.onnx + NAME.onnx.data (a small model forced external; past 2 GB the tool does the same by itself), both
/// land in bin/ and the publish folder, the generated wrapper loads and runs them with both hashes checked, the data file
/// is an incremental output (deleting it re-runs the optimize target) and `dotnet clean` removes it everywhere.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ExternalDataBuildTests(PackageFeedFixture feed)
{
    [Fact]
    public void A_model_with_external_data_is_copied_published_loaded_and_cleaned_as_a_pair()
    {
        var project = new ConsumerProject(feed, "ExternalDataApp");
        project.CopyFile(TestAssets.Classifier, "models/cls.onnx");
        project.ItemXml = """    <EdgeModel Include="models/cls.onnx" TargetDevice="rpi5" Precision="none" ClassName="DirectionClassifier" Dims="N=1;H=48;W=192" ExternalData="true" />""";
        project.WriteFile("Program.cs", """
            using var classifier = ExternalDataApp.DirectionClassifier.Create();
            classifier.Inputs.X.Fill(0.5f);
            classifier.Run();
            var p = classifier.Outputs.Softmax0Tmp0;
            System.Console.WriteLine($"softmax {p[0] + p[1]:F3} data {ExternalDataApp.DirectionClassifier.ModelInfo.ExternalDataFileName}");
            """);

        var build = project.Build().EnsureSuccess();

        Assert.Equal(1, build.ToolStarts);
        var obj = project.EdgeBuildObjDirectory;
        foreach (var file in new[] { "DirectionClassifier.onnx", "DirectionClassifier.onnx.data" })
        {
            var built = Path.Combine(project.BinDirectory, file);
            Assert.True(File.Exists(built), $"{file} not in {project.BinDirectory}:\n{build}");
            Assert.Equal(File.ReadAllBytes(Path.Combine(obj, file)), File.ReadAllBytes(built));
        }

        Assert.True(new FileInfo(Path.Combine(obj, "DirectionClassifier.onnx.data")).Length > new FileInfo(Path.Combine(obj, "DirectionClassifier.onnx")).Length,
            "the weights must really be in the data file");
        Assert.Contains("\"externalData\"", File.ReadAllText(Path.Combine(obj, "DirectionClassifier.edgemodel.json")));
        var run = project.RunApp();
        Assert.True(run.ExitCode == 0, $"the app failed:\n{run.Output}");
        Assert.Contains("softmax 1.000 data DirectionClassifier.onnx.data", run.Output);

        // The data file is an output of the optimize target: without it the target runs again (a cache hit restores both).
        Assert.Equal(0, project.Build().EnsureSuccess().ToolStarts);
        File.Delete(Path.Combine(obj, "DirectionClassifier.onnx.data"));
        var rebuilt = project.Build().EnsureSuccess();
        Assert.Equal(1, rebuilt.ToolStarts);
        Assert.Contains("cache hit", rebuilt.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(obj, "DirectionClassifier.onnx.data")), $"not restored:\n{rebuilt}");

        // A damaged data file next to the app fails the integrity check, naming the file.
        var shipped = Path.Combine(project.BinDirectory, "DirectionClassifier.onnx.data");
        var bytes = File.ReadAllBytes(shipped);
        bytes[^1] ^= 1;
        File.WriteAllBytes(shipped, bytes);
        var tampered = project.RunApp();
        Assert.NotEqual(0, tampered.ExitCode);
        Assert.Contains("EdgeModelIntegrityException", tampered.Output);
        Assert.Contains(shipped, tampered.Output);

        var publishDir = Path.Combine(project.Directory, "publish");
        project.Verb("publish", "-o", publishDir).EnsureSuccess();
        foreach (var file in new[] { "DirectionClassifier.onnx", "DirectionClassifier.onnx.data" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(obj, file)), File.ReadAllBytes(Path.Combine(publishDir, file)));

        project.Verb("clean").EnsureSuccess();
        Assert.False(File.Exists(shipped), "clean left the data file in bin/");
        Assert.False(File.Exists(Path.Combine(obj, "DirectionClassifier.onnx.data")), "clean left the data file in obj/");
    }
}
