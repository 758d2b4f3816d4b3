using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Issue 14's regressions through a real `dotnet build`: a ';'-separated CalibrationData list passed the task's checks
/// and then failed in the tool (two glob implementations); ClassName="class" or "Wrap" failed only in the generator or
/// the compiler, after a full optimization.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class DataPatternBuildTests(PackageFeedFixture feed)
{
    [Fact]
    public void Semicolon_separated_calibration_patterns_build_and_the_tool_gets_the_tasks_files()
    {
        var project = new ConsumerProject(feed, "SplitCalib");
        project.CopyDetector();
        Detector.AddCalibrationAndApp(project, samples: 1);
        NpySamples.Write(Path.Combine(project.Directory, "a", "page.npy"), "page.png", Detector.Size);
        NpySamples.Write(Path.Combine(project.Directory, "b", "text.npy"), "text.png", Detector.Size);
        project.ItemXml = $"""    <EdgeModel Include="models/det.onnx" TargetDevice="rpi5" ClassName="TextDetector" Dims="{Detector.Dims}" CalibrationData="a/*.npy;b/*.npy" Precision="{Detector.Precision}" MinSqnrDb="{Detector.MinSqnrDb}" />""";

        var build = project.Build().EnsureSuccess();

        Assert.Equal(1, build.ToolStarts);
        var list = File.ReadAllLines(Path.Combine(project.EdgeBuildObjDirectory, "TextDetector.calibration.samples"));
        Assert.Equal([Path.Combine(project.Directory, "a", "page.npy"), Path.Combine(project.Directory, "b", "text.npy")], list);
        Assert.True(File.Exists(Path.Combine(project.BinDirectory, "TextDetector.onnx")), build.ToString());
    }

    [Fact]
    public void A_keyword_or_wrapper_member_ClassName_is_one_EDGE0406_each_before_the_tool_runs()
    {
        var project = new ConsumerProject(feed, "BadClassNames");
        project.CopyFile(TestAssets.Classifier, "models/a.onnx");
        project.CopyFile(TestAssets.Classifier, "models/b.onnx");
        project.ItemXml = """
                <EdgeModel Include="models/a.onnx" TargetDevice="rpi5" Precision="none" ClassName="class" />
                <EdgeModel Include="models/b.onnx" TargetDevice="rpi5" Precision="none" ClassName="Wrap" />
            """;

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Equal(0, build.ToolStarts);
        Assert.Equal(2, build.Errors.Count);
        Assert.All(build.Errors, e => Assert.Equal("EDGE0406", BuildResult.ParseError(e).Code));
        Assert.Contains(build.Errors, e => e.Contains("ClassName=\"class\"", StringComparison.Ordinal) && e.Contains("C# keyword", StringComparison.Ordinal));
        Assert.Contains(build.Errors, e => e.Contains("ClassName=\"Wrap\"", StringComparison.Ordinal) && e.Contains("member of the generated class", StringComparison.Ordinal));
    }
}
