using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Acceptance 4: `dotnet publish -r linux-arm64 --self-contained` of a consumer carries the optimized model and ONNX
/// Runtime's linux-arm64 native library (the app runs on the device without anything else installed).
/// samples/check-arm64.sh goes further and runs the sample's arm64 build under qemu.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PublishTests(PackageFeedFixture feed)
{
    [Fact]
    public void Self_contained_linux_arm64_publish_contains_the_optimized_model_and_arm64_onnxruntime()
    {
        var project = new ConsumerProject(feed, "PublishApp");
        project.CopyFile(TestAssets.Classifier, "models/cls.onnx");
        project.ItemXml = """    <EdgeModel Include="models/cls.onnx" TargetDevice="rpi5" Precision="none" ClassName="DirectionClassifier" Dims="N=1;H=48;W=192" />""";
        var publishDir = Path.Combine(project.Directory, "publish-arm64");

        var publish = project.Verb("publish", "-r", "linux-arm64", "--self-contained", "-o", publishDir);

        publish.EnsureSuccess();
        Assert.Equal(1, publish.ToolStarts);
        var model = Path.Combine(publishDir, "DirectionClassifier.onnx");
        Assert.True(File.Exists(model), $"no optimized model in {publishDir}:\n{publish}");
        var optimized = Directory.GetFiles(Path.Combine(project.Directory, "obj"), "DirectionClassifier.onnx", SearchOption.AllDirectories);
        Assert.Equal(File.ReadAllBytes(Assert.Single(optimized)), File.ReadAllBytes(model));
        Assert.Equal(NativeFiles.Arm64, NativeFiles.ElfMachine(Path.Combine(publishDir, "libonnxruntime.so")));
        // Self-contained: the arm64 apphost and runtime are there too, not the build machine's.
        Assert.Equal(NativeFiles.Arm64, NativeFiles.ElfMachine(Path.Combine(publishDir, "PublishApp")));
        Assert.True(File.Exists(Path.Combine(publishDir, "libcoreclr.so")), "not self-contained: libcoreclr.so missing");
    }

    /// <summary>
    /// Issue 15, acceptance 5: a consumer that calls the generated wrapper publishes trimmed for linux-arm64 and as native
    /// AOT without trim/AOT warnings (IL2xxx/IL3xxx) from EdgeBuild's code. Native AOT is published for the host RID:
    /// its trim/AOT analysis (ILC) is the same for every RID, but linking a linux-arm64 AOT binary needs a cross
    /// toolchain (clang + an arm64 sysroot) this machine lacks, while the host's gcc links linux-x64 — and the AOT app
    /// is run, so the wrapper, the runtime's telemetry and ORT are shown to work compiled ahead of time.
    /// </summary>
    [Fact]
    public void Trimmed_linux_arm64_and_native_aot_publish_have_no_trim_or_aot_warnings_from_EdgeBuild()
    {
        var project = new ConsumerProject(feed, "AotApp");
        project.CopyFile(TestAssets.Classifier, "models/cls.onnx");
        project.ItemXml = """    <EdgeModel Include="models/cls.onnx" TargetDevice="rpi5" Precision="none" ClassName="DirectionClassifier" Dims="N=1;H=48;W=192" />""";
        project.WriteFile("Program.cs", """
            using var classifier = AotApp.DirectionClassifier.Create();
            classifier.Inputs.X.Fill(0.5f);
            classifier.Run();
            var p = classifier.Outputs.Softmax0Tmp0;
            System.Console.WriteLine($"softmax {p[0] + p[1]:F3} threads {classifier.EffectiveSettings.IntraOpThreads}");
            """);

        var trimmedDir = Path.Combine(project.Directory, "publish-trimmed-arm64");
        var trimmed = project.Verb("publish", "-c", "Release", "-r", "linux-arm64", "--self-contained", "-p:PublishTrimmed=true", "-o", trimmedDir);
        trimmed.EnsureSuccess();
        AssertNoTrimOrAotWarningsFromEdgeBuild(trimmed);
        Assert.True(File.Exists(Path.Combine(trimmedDir, "EdgeBuild.Runtime.dll")), $"no EdgeBuild.Runtime.dll in {trimmedDir}");
        // Trimmed indeed: framework assemblies the app never touches are gone.
        Assert.False(File.Exists(Path.Combine(trimmedDir, "System.Private.Xml.dll")), "System.Private.Xml.dll published: not trimmed");
        Assert.Equal(NativeFiles.Arm64, NativeFiles.ElfMachine(Path.Combine(trimmedDir, "libonnxruntime.so")));

        var aotDir = Path.Combine(project.Directory, "publish-aot");
        var aot = project.Verb("publish", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", aotDir);
        aot.EnsureSuccess();
        AssertNoTrimOrAotWarningsFromEdgeBuild(aot);
        Assert.False(File.Exists(Path.Combine(aotDir, "AotApp.dll")), "an IL AotApp.dll was published: not native AOT");
        var run = Dotnet.Exec(Path.Combine(aotDir, "AotApp"), aotDir, []);
        Assert.True(run.ExitCode == 0, $"the AOT app failed:\n{run.Output}");
        Assert.Contains("softmax 1.000", run.Output);
    }

    private static void AssertNoTrimOrAotWarningsFromEdgeBuild(BuildResult result)
    {
        var warnings = result.Output.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"warning IL[23]\d{3}")).Distinct().ToList();
        var ours = warnings.Where(l => l.Contains("EdgeBuild", StringComparison.Ordinal) || l.Contains("DirectionClassifier", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count == 0, $"trim/AOT warnings from EdgeBuild's code:\n{string.Join("\n", ours)}");
    }
}
