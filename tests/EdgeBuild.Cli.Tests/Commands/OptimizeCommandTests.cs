using System.Text.Json;
using EdgeBuild.Cli;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Commands;

public class OptimizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-cli-opt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CommandRunner.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Optimizes_the_classifier_and_writes_model_and_manifest()
    {
        var output = Path.Combine(_dir, "Classifier.onnx");
        var manifest = Path.Combine(_dir, "Classifier.edgemodel.json");

        var (code, stdout, stderr) = Run("optimize", TestAssets.Classifier, "--target", "rpi5", "--output", output,
            "--precision", "none", "--manifest", manifest, "--namespace", "MyApp", "--json");

        Assert.True(code == ExitCodes.Ok, stderr);
        using var result = JsonDocument.Parse(stdout);
        Assert.Equal("none", result.RootElement.GetProperty("precision").GetString());
        Assert.True(File.Exists(output));
        using var m = JsonDocument.Parse(File.ReadAllBytes(manifest));
        Assert.Equal("Classifier", m.RootElement.GetProperty("className").GetString());
        Assert.Equal(result.RootElement.GetProperty("sha256").GetString(), m.RootElement.GetProperty("sha256").GetString());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void A_missing_model_is_EDGE0101_naming_the_file_with_exit_code_2()
    {
        var missing = Path.Combine(_dir, "nope.onnx");

        var (code, _, stderr) = Run("optimize", missing, "--target", "rpi5", "--output", Path.Combine(_dir, "o.onnx"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith($"{missing}: error EDGE0101: ", stderr);
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_EDGE0101_without_a_stack_trace()
    {
        var bogus = Path.Combine(_dir, "bogus.onnx");
        File.WriteAllText(bogus, "this is not protobuf at all, just text that happens to be here");

        var (code, _, stderr) = Run("optimize", bogus, "--target", "rpi5", "--output", Path.Combine(_dir, "o.onnx"), "--precision", "none");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("error EDGE0101", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "o.onnx")));
    }

    [Fact]
    public void An_unknown_target_is_EDGE0003_listing_known_ones()
    {
        var (code, _, stderr) = Run("optimize", TestAssets.Classifier, "--target", "rpi9", "--output", Path.Combine(_dir, "o.onnx"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("error EDGE0003", stderr);
        Assert.Contains("rpi5", stderr);
    }

    [Fact]
    public void Writing_over_the_source_model_is_refused()
    {
        var copy = Path.Combine(_dir, "m.onnx");
        File.Copy(TestAssets.Classifier, copy);
        var before = File.ReadAllBytes(copy);

        var (code, _, stderr) = Run("optimize", copy, "--target", "rpi5", "--output", copy, "--precision", "none");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("overwrite the source", stderr);
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Missing_required_options_are_usage_errors()
    {
        var (code, _, stderr) = Run("optimize", TestAssets.Classifier, "--output", Path.Combine(_dir, "o.onnx"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--target", stderr);
    }
}
