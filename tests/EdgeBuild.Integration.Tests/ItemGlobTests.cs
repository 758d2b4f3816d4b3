using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// `&lt;EdgeModel Include="models/*.onnx"/&gt;` as in docs/msbuild.md: each matched model is its own item, optimized
/// into its own class and model file; an added model joins the next build without touching the others.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ItemGlobTests(PackageFeedFixture feed)
{
    [Fact]
    public void A_glob_include_optimizes_each_matched_model_into_its_own_class()
    {
        var project = new ConsumerProject(feed, "GlobApp");
        project.CopyFile(TestAssets.Classifier, "models/left_cls.onnx");
        project.CopyFile(TestAssets.Classifier, "models/right_cls.onnx");
        project.ItemXml = """    <EdgeModel Include="models/*.onnx" TargetDevice="rpi5" Precision="none" Dims="N=1;H=48;W=192" />""";
        project.WriteFile("Program.cs", """
            // Both generated classes exist (the generator named them after the files).
            System.Console.WriteLine(typeof(GlobApp.LeftCls).Name + " " + typeof(GlobApp.RightCls).Name);
            """);

        var first = project.Build().EnsureSuccess();

        Assert.Equal(2, first.ToolStarts);
        foreach (var name in new[] { "LeftCls", "RightCls" })
        {
            Assert.True(File.Exists(Path.Combine(project.BinDirectory, name + ".onnx")), $"{name}.onnx missing:\n{first}");
            Assert.True(File.Exists(Path.Combine(project.EdgeBuildObjDirectory, name + ".edgemodel.json")));
        }

        Assert.Contains("LeftCls RightCls", project.RunApp().EnsureSuccess("the consumer app").Output, StringComparison.Ordinal);

        // A third file matching the glob is optimized on the next build; the two unchanged ones are not.
        project.CopyFile(TestAssets.Classifier, "models/third_cls.onnx");
        var second = project.Build().EnsureSuccess();
        Assert.Equal(1, second.ToolStarts);
        Assert.True(File.Exists(Path.Combine(project.BinDirectory, "ThirdCls.onnx")));
    }
}
