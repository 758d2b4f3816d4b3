using EdgeBuild.Integration.Tests.Infrastructure;

namespace EdgeBuild.Integration.Tests;

/// <summary>Acceptance 5: each bad input is exactly one build error with its code and the file to fix.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class BadInputTests(PackageFeedFixture feed)
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        // name, item, expected code, expected path (relative to the project folder; "" = the project file)
        { "missing-model", """<EdgeModel Include="models/missing.onnx" TargetDevice="rpi5" />""", "EDGE0401", "models/missing.onnx" },
        { "unknown-target", """<EdgeModel Include="models/det.onnx" TargetDevice="rpi9" Precision="none" />""", "EDGE0003", "" },
        { "bad-precision", """<EdgeModel Include="models/det.onnx" TargetDevice="rpi5" Precision="int7" />""", "EDGE0403", "" },
        { "bad-dims", """<EdgeModel Include="models/det.onnx" TargetDevice="rpi5" Precision="none" Dims="H=zero" />""", "EDGE0406", "" },
        { "corrupt-model", """<EdgeModel Include="models/corrupt.onnx" TargetDevice="rpi5" Precision="none" />""", "EDGE0101", "models/corrupt.onnx" },
        { "missing-calibration", """<EdgeModel Include="models/det.onnx" TargetDevice="rpi5" CalibrationData="calib/*.npy" />""", "EDGE0404", "calib/*.npy" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_bad_input_is_exactly_one_error_with_its_code_and_path(string name, string item, string code, string path)
    {
        var project = new ConsumerProject(feed, "Bad" + name.Replace("-", ""));
        project.CopyDetector();
        File.WriteAllBytes(Path.Combine(project.Directory, "models", "corrupt.onnx"), File.ReadAllBytes(Path.Combine(project.Directory, "models", "det.onnx"))[..20_000]);
        project.ItemXml = "    " + item;

        var result = project.Build();

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Errors);
        var (file, actualCode) = BuildResult.ParseError(error);
        Assert.Equal(code, actualCode);
        // A diagnostic about the item points at the project file; one about a file points at that file.
        Assert.Equal(code is "EDGE0101" ? Path.Combine(project.Directory, path) : project.ProjectFile, file);
        if (path.Length > 0) Assert.Contains(path.Replace('/', Path.DirectorySeparatorChar), error.Replace('/', Path.DirectorySeparatorChar), StringComparison.Ordinal);
    }
}
