using EdgeBuild.Tests.Shared;
using Microsoft.Build.Utilities;

namespace EdgeBuild.Tasks.Tests;

/// <summary>The optimize task running the real `edgebuild` (built from src/EdgeBuild.Cli) out of process.</summary>
public sealed class EdgeBuildOptimizeTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private static string CliAssembly
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var path = Path.Combine(TestAssets.RepoRoot, "src", "EdgeBuild.Cli", "bin", configuration, "net8.0", "edgebuild.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing; build src/EdgeBuild.Cli -c {configuration}");
        }
    }

    private static string MachinePackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private (bool Ok, RecordingBuildEngine Engine, EdgeBuildOptimize Task) Optimize(
        string target, string[]? packageFolders = null, string toolAssembly = "", IReadOnlyDictionary<string, string>? metadata = null)
    {
        _project.AddDetector("det.onnx");
        var engine = new RecordingBuildEngine(_project.ProjectFile);
        var item = new TaskItem("det.onnx");
        item.SetMetadata("TargetDevice", target);
        item.SetMetadata("Precision", "none");
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>()) item.SetMetadata(name, value);
        var resolve = new ResolveEdgeModels
        {
            BuildEngine = engine,
            Models = [item],
            ProjectDirectory = _project.Directory,
            ProjectFile = _project.ProjectFile,
            IntermediateDirectory = _project.ObjDirectory,
            RootNamespace = "MyApp",
        };
        Assert.True(resolve.Execute(), engine.AllText);

        var task = new EdgeBuildOptimize
        {
            BuildEngine = engine,
            Model = resolve.ResolvedModels[0],
            ToolAssembly = toolAssembly.Length > 0 ? toolAssembly : CliAssembly,
            ProjectFile = _project.ProjectFile,
            PackageFolders = packageFolders ?? [MachinePackages],
        };
        return (task.Execute(), engine, task);
    }

    [Fact]
    public void A_target_the_tool_does_not_know_is_one_error_at_the_project_with_the_tool_code()
    {
        var (ok, engine, task) = Optimize("no-such-device");

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("EDGE0003", error.Code);
        Assert.Equal(_project.ProjectFile, error.File);
        Assert.Contains("no-such-device", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_project.Directory, "det.onnx"), error.Message, StringComparison.Ordinal);
        Assert.Equal(2, task.ExitCode);
        Assert.False(File.Exists(Path.Combine(_project.ObjDirectory, "Det.onnx")));
    }

    [Fact]
    public void A_corrupt_model_is_one_error_pointing_at_the_model_file()
    {
        _project.AddDetector("det.onnx");
        var bytes = File.ReadAllBytes(TestAssets.Detector)[..5000];
        var path = _project.AddFile("det.onnx", bytes);
        var engine = new RecordingBuildEngine(_project.ProjectFile);
        var item = new TaskItem("det.onnx");
        item.SetMetadata("TargetDevice", "rpi5");
        item.SetMetadata("Precision", "none");
        var resolve = new ResolveEdgeModels { BuildEngine = engine, Models = [item], ProjectDirectory = _project.Directory, ProjectFile = _project.ProjectFile, IntermediateDirectory = _project.ObjDirectory };
        Assert.True(resolve.Execute());
        var task = new EdgeBuildOptimize { BuildEngine = engine, Model = resolve.ResolvedModels[0], ToolAssembly = CliAssembly, ProjectFile = _project.ProjectFile, PackageFolders = [MachinePackages] };

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("EDGE0101", error.Code);
        Assert.Equal(path, error.File);
    }

    [Fact]
    public void A_valid_model_is_optimized_and_its_manifest_written()
    {
        var (ok, engine, _) = Optimize("rpi5");

        Assert.True(ok, engine.AllText);
        Assert.Empty(engine.Errors);
        Assert.True(new FileInfo(Path.Combine(_project.ObjDirectory, "Det.onnx")).Length > 1_000_000);
        Assert.Contains("\"className\": \"Det\"", File.ReadAllText(Path.Combine(_project.ObjDirectory, "Det.edgemodel.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Preprocess_reaches_the_tool_which_reports_a_bad_value_as_one_error()
    {
        _project.AddFile("calib/page.png", File.ReadAllBytes(Path.Combine(TestAssets.ImagesDir, "page.png")));
        var (ok, engine, _) = Optimize("rpi5", metadata: new Dictionary<string, string>
        {
            ["Precision"] = "int8",
            ["CalibrationData"] = "calib/*.png",
            ["Preprocess"] = "resize=squash:320;channels=bgr",
        });

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("EDGE0110", error.Code);
        Assert.Contains("resize=squash:320", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_onnx_runtime_in_the_package_folders_the_tool_is_not_started()
    {
        var empty = Path.Combine(_project.Directory, "empty-packages");
        Directory.CreateDirectory(empty);
        var (ok, engine, _) = Optimize("rpi5", packageFolders: [empty]);

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("EDGE0411", error.Code);
        Assert.Contains(empty, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(engine.Messages, m => m.Message?.Contains(" optimize ", StringComparison.Ordinal) == true && m.Message.Contains("exec", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_tool_is_one_error()
    {
        var (ok, engine, _) = Optimize("rpi5", toolAssembly: Path.Combine(_project.Directory, "tools", "edgebuild.dll"));
        Assert.False(ok);
        Assert.Equal("EDGE0409", Assert.Single(engine.Errors).Code);
    }
}
