using System.Text.RegularExpressions;
using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Issue 17, acceptance 1: a fresh console project whose only EdgeBuild line names the model, the device and the dims
/// (no calibration data, no precision) builds. Before the data-free default it failed with EDGE0110. The accuracy of the
/// result on real held-out images is measured outside the build (DataFreeOneLineTests); here: the build, the warning that
/// says what was done, the size, and the generated wrapper running.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class OneLineBuildTests(PackageFeedFixture feed)
{
    [Fact]
    public void The_detector_with_only_TargetDevice_and_Dims_builds_data_free_warns_once_and_runs()
    {
        var project = new ConsumerProject(feed, "OneLine");
        var source = project.CopyDetector();
        project.ItemXml = """    <EdgeModel Include="models/det.onnx" TargetDevice="rpi5" Dims="N=1;H=480;W=640" />""";
        project.WriteFile("Program.cs", $$"""
            using var det = {{project.Name}}.Det.Create();
            det.Inputs.X.Fill(0.5f);
            det.Run();
            Console.WriteLine($"Det ran: {det.Outputs.Sigmoid0Tmp0.Length} probabilities");
            """);

        var build = project.Build().EnsureSuccess();

        Assert.Equal(1, build.ToolStarts);
        // MSBuild repeats each warning in its closing summary, with another node prefix: one distinct warning.
        Assert.Single(build.Output.Split('\n').Where(l => l.Contains("warning EDGE0221", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l.Trim(), @"^\d+>", "")).Distinct());
        Assert.Contains("made-up inputs", build.Output, StringComparison.Ordinal);
        var ratio = (double)new FileInfo(Path.Combine(project.BinDirectory, "Det.onnx")).Length / new FileInfo(source).Length;
        Assert.True(ratio <= 0.30, $"{ratio:F3}x the source");
        var run = project.RunApp();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Det ran: {480 * 640} probabilities", run.Output, StringComparison.Ordinal);
    }
}
