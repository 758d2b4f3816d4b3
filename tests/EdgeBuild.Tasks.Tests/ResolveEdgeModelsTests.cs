using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EdgeBuild.Tasks.Tests;

public sealed class ResolveEdgeModelsTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private (bool Ok, RecordingBuildEngine Engine, ITaskItem[] Resolved) Run(params ITaskItem[] models)
    {
        var engine = new RecordingBuildEngine(_project.ProjectFile);
        var task = new ResolveEdgeModels
        {
            BuildEngine = engine,
            Models = models,
            ProjectDirectory = _project.Directory,
            ProjectFile = _project.ProjectFile,
            IntermediateDirectory = _project.ObjDirectory,
            RootNamespace = "MyApp",
        };
        var ok = task.Execute();
        return (ok, engine, task.ResolvedModels);
    }

    private static TaskItem Item(string include, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(include);
        item.SetMetadata("TargetDevice", "rpi5");
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return item;
    }

    private void AssertSingleError(RecordingBuildEngine engine, string code, params string[] mentions)
    {
        var error = Assert.Single(engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(_project.ProjectFile, error.File);
        foreach (var text in mentions) Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_item_gets_default_class_name_namespace_and_output_paths()
    {
        var model = _project.AddDetector();
        var (ok, engine, resolved) = Run(Item("models/ch_PP-OCRv4_det_infer.onnx"));

        Assert.True(ok, engine.AllText);
        var item = Assert.Single(resolved);
        Assert.Equal(model, item.ItemSpec);
        Assert.Equal("ChPPOCRv4DetInfer", item.GetMetadata("ClassName"));
        Assert.Equal("MyApp", item.GetMetadata("Namespace"));
        Assert.Equal("auto", item.GetMetadata("Precision"));
        Assert.Equal(Path.Combine(_project.ObjDirectory, "ChPPOCRv4DetInfer.onnx"), item.GetMetadata("OptimizedModel"));
        Assert.Equal(Path.Combine(_project.ObjDirectory, "ChPPOCRv4DetInfer.edgemodel.json"), item.GetMetadata("Manifest"));
        Assert.Equal("MyApp.ChPPOCRv4DetInfer.onnx", item.GetMetadata("ResourceName"));
        Assert.True(File.Exists(item.GetMetadata("OptionsStamp")));
    }

    [Fact]
    public void Missing_model_is_one_error_naming_the_path()
    {
        var (ok, engine, _) = Run(Item("models/nope.onnx"));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0401", Path.Combine(_project.Directory, "models", "nope.onnx"), "Include");
    }

    [Fact]
    public void Missing_target_device_is_one_error_with_the_fix()
    {
        _project.AddDetector("det.onnx");
        var item = new TaskItem("det.onnx");
        var (ok, engine, _) = Run(item);
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0402", "det.onnx", "TargetDevice=\"rpi5\"");
    }

    [Fact]
    public void Unknown_precision_is_one_error_listing_the_valid_values()
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, _) = Run(Item("det.onnx", ("Precision", "int7")));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0403", "det.onnx", "int7", "auto, int8, uint8, fp16, int4, none");
    }

    [Theory]
    [InlineData("MinSqnrDb", "loud")]
    [InlineData("Embed", "maybe")]
    [InlineData("ExternalData", "yes")]
    [InlineData("Dims", "H=0")]
    [InlineData("Dims", "H640")]
    [InlineData("ClassName", "1Bad-Name")]
    [InlineData("Namespace", "My..App")]
    [InlineData("Accuracy", "sigmoid_0.tmp_0: agreement >= 99%")]
    [InlineData("Accuracy", "sigmoid_0.tmp_0: psnr >= 30")]
    [InlineData("FallbackAttempts", "-5")]
    [InlineData("FallbackAttempts", "2.5")]
    [InlineData("FallbackTimeBudget", "0")]
    [InlineData("FallbackTimeBudget", "soon")]
    public void Bad_metadata_values_are_one_error_each(string metadata, string value)
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, _) = Run(Item("det.onnx", (metadata, value)));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0406", "det.onnx", $"{metadata}=\"{value}\"");
    }

    [Fact]
    public void External_data_makes_the_data_file_an_output_and_cannot_be_embedded()
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, resolved) = Run(Item("det.onnx", ("ClassName", "Det"), ("ExternalData", "True")));
        Assert.True(ok, engine.AllText);
        Assert.Equal("true", resolved[0].GetMetadata("ExternalData"));
        Assert.Equal(Path.Combine(_project.ObjDirectory, "Det.onnx.data"), resolved[0].GetMetadata("ExternalDataFile"));

        // Not asked for and not written by an earlier build: no data file to track.
        var (_, _, inline) = Run(Item("det.onnx", ("ClassName", "Det")));
        Assert.Equal("", inline[0].GetMetadata("ExternalDataFile"));

        var (embedOk, embedEngine, _) = Run(Item("det.onnx", ("ExternalData", "true"), ("Embed", "true")));
        Assert.False(embedOk);
        AssertSingleError(embedEngine, "EDGE0406", "det.onnx", "Embed=\"true\" and ExternalData=\"true\"", "Drop one of them");
    }

    [Fact]
    public void Calibration_pattern_matching_nothing_is_one_error()
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, _) = Run(Item("det.onnx", ("CalibrationData", "calib/*.npy")));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0404", "det.onnx", "calib/*.npy");
    }

    [Fact]
    public void Validation_pattern_matching_nothing_is_one_error()
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, _) = Run(Item("det.onnx", ("ValidationData", "val/**/*.png")));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0405", "det.onnx", "val/**/*.png");
    }

    [Fact]
    public void Missing_profile_file_is_one_error()
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, _) = Run(Item("det.onnx", ("Profile", "profiles/board.json")));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0407", Path.Combine(_project.Directory, "profiles", "board.json"));
    }

    [Fact]
    public void Two_models_with_the_same_class_name_are_one_error()
    {
        _project.AddDetector("a/det.onnx");
        _project.AddDetector("b/det.onnx");
        var (ok, engine, resolved) = Run(Item("a/det.onnx"), Item("b/det.onnx"));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0408", "a/det.onnx", "b/det.onnx", "ClassName");
        Assert.Single(resolved);
    }

    [Fact]
    public void Inputs_cover_model_calibration_validation_profile_and_stamp()
    {
        var model = _project.AddDetector("det.onnx");
        var calib = new[] { _project.AddFile("calib/a.npy", [1]), _project.AddFile("calib/b.npy", [2]) };
        var val = _project.AddFile("val/x/c.npy", [3]);
        var profile = _project.AddFile("board.json", "{}"u8.ToArray());
        var (ok, engine, resolved) = Run(Item("det.onnx", ("CalibrationData", "calib/*.npy"), ("ValidationData", "val/**/*.npy"), ("Profile", "board.json")));

        Assert.True(ok, engine.AllText);
        var item = Assert.Single(resolved);
        var inputs = item.GetMetadata("EdgeBuildInputs").Split(';');
        Assert.Equal([model, .. calib, val, profile, item.GetMetadata("OptionsStamp")], inputs);
    }

    [Fact]
    public void The_options_stamp_is_rewritten_only_when_an_option_or_the_data_set_changes()
    {
        _project.AddDetector("det.onnx");
        _project.AddFile("calib/a.npy", [1]);
        var stamp = Path.Combine(_project.ObjDirectory, "Det.options");

        Run(Item("det.onnx", ("CalibrationData", "calib/*.npy")));
        var first = File.ReadAllText(stamp);
        File.SetLastWriteTimeUtc(stamp, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Run(Item("det.onnx", ("CalibrationData", "calib/*.npy")));
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(stamp));

        Run(Item("det.onnx", ("CalibrationData", "calib/*.npy"), ("Precision", "int8")));
        var afterPrecision = File.ReadAllText(stamp);
        Assert.NotEqual(first, afterPrecision);
        Assert.True(File.GetLastWriteTimeUtc(stamp) > new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        // A sample added with an old timestamp would not trip Inputs/Outputs; the stamp catches it.
        var added = _project.AddFile("calib/b.npy", [2]);
        File.SetLastWriteTimeUtc(added, new DateTime(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Run(Item("det.onnx", ("CalibrationData", "calib/*.npy"), ("Precision", "int8")));
        Assert.NotEqual(afterPrecision, File.ReadAllText(stamp));
        Assert.Contains(added, File.ReadAllText(stamp), StringComparison.Ordinal);

        // How images become inputs changes the calibration as much as the images do.
        var beforePreprocess = File.ReadAllText(stamp);
        Run(Item("det.onnx", ("CalibrationData", "calib/*.npy"), ("Precision", "int8"), ("Preprocess", "resize=letterbox:480x640;channels=bgr")));
        Assert.NotEqual(beforePreprocess, File.ReadAllText(stamp));
    }

    /// <summary>
    /// The stamp is derived from the item's metadata, not a hand-kept list: every metadata (declared, computed, or one
    /// added in a future version) changes it, except the output locations EdgeModelMetadata.NotStamped lists.
    /// </summary>
    [Fact]
    public void Every_item_metadata_is_stamped_except_the_listed_output_locations()
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, resolved) = Run(Item("det.onnx", ("Precision", "int8")));
        Assert.True(ok, engine.AllText);
        var item = new TaskItem(resolved[0]); // the copies below get OriginalItemSpec from TaskItem's copy constructor too
        var baseline = OptionsStamp.Content(item, "tool", [], [], []);
        var names = item.CloneCustomMetadata().Keys.Cast<string>().Append("SomeFutureOption").ToList();
        Assert.Contains("OutputFileName", names);
        foreach (var name in names)
        {
            var changed = new TaskItem(item);
            changed.SetMetadata(name, item.GetMetadata(name) + "x");
            var content = OptionsStamp.Content(changed, "tool", [], [], []);
            if (EdgeModelMetadata.NotStamped.Contains(name)) Assert.True(baseline == content, $"{name} is listed as not stamped but changes the stamp");
            else Assert.True(baseline != content, $"{name} does not change the options stamp");
        }

        Assert.NotEqual(baseline, OptionsStamp.Content(item, "tool2", [], [], []));
        Assert.NotEqual(baseline, OptionsStamp.Content(item, "tool", [], ["a.npy"], []));
    }

    /// <summary>Issue 14: keywords and the wrapper's own member names fail here, once, before any optimization.</summary>
    [Theory]
    [InlineData("class", "is a C# keyword")]
    [InlineData("Wrap", "is the name of a member of the generated class")]
    [InlineData("Run", "is the name of a member of the generated class")]
    [InlineData("9lives", "is not a C# identifier")]
    public void A_ClassName_the_generator_cannot_use_is_one_EDGE0406_naming_the_fix(string className, string problem)
    {
        _project.AddDetector("det.onnx");
        var (ok, engine, resolved) = Run(Item("det.onnx", ("ClassName", className)));
        Assert.False(ok);
        Assert.Empty(resolved);
        AssertSingleError(engine, "EDGE0406", $"ClassName=\"{className}\"", problem, "Use ");
    }

    [Fact]
    public void A_file_name_that_gives_a_reserved_class_name_asks_for_a_ClassName()
    {
        _project.AddDetector("wrap.onnx");
        var (ok, engine, _) = Run(Item("wrap.onnx"));
        Assert.False(ok);
        AssertSingleError(engine, "EDGE0406", "'Wrap'", "Set ClassName=");
    }

    [Fact]
    public void Semicolon_separated_patterns_become_one_sample_list_for_the_tool()
    {
        _project.AddDetector("det.onnx");
        var a = _project.AddFile("a/1.npy", [1]);
        var b = _project.AddFile("b/2.npy", [2]);
        var (ok, engine, resolved) = Run(Item("det.onnx", ("CalibrationData", "a/*.npy;b/*.npy")));

        Assert.True(ok, engine.AllText);
        var list = resolved[0].GetMetadata("CalibrationList");
        Assert.Equal(Path.Combine(_project.ObjDirectory, "Det.calibration.samples"), list);
        Assert.Equal([a, b], File.ReadAllLines(list));
        Assert.Equal("", resolved[0].GetMetadata("ValidationList"));
    }

    [Fact]
    public void MinSqnrDb_falls_back_to_the_project_wide_switch()
    {
        _project.AddDetector("det.onnx");
        var engine = new RecordingBuildEngine(_project.ProjectFile);
        var task = new ResolveEdgeModels
        {
            BuildEngine = engine,
            Models = [Item("det.onnx"), Item("det.onnx", ("ClassName", "Strict"), ("MinSqnrDb", "40"))],
            ProjectDirectory = _project.Directory,
            ProjectFile = _project.ProjectFile,
            IntermediateDirectory = _project.ObjDirectory,
            DefaultMinSqnrDb = "35",
        };
        Assert.True(task.Execute(), engine.AllText);
        Assert.Equal(["35", "40"], task.ResolvedModels.Select(m => m.GetMetadata("MinSqnrDb")));
    }
}
