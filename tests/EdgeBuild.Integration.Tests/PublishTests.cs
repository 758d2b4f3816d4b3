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
}
