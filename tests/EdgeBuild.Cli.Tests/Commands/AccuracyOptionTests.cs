using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Commands;

/// <summary>`--accuracy` on verify and optimize: task metrics printed and checked, a bad spec is EDGE0002 naming the fix.</summary>
public sealed class AccuracyOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-cli-accuracy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Images()
    {
        var folder = Path.Combine(_dir, "imgs");
        Directory.CreateDirectory(folder);
        foreach (var image in Directory.GetFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).Take(2))
            File.Copy(image, Path.Combine(folder, Path.GetFileName(image)), overwrite: true);
        return folder;
    }

    [Fact]
    public void Verify_prints_each_task_metric_and_fails_when_one_misses()
    {
        var model = TestAssets.Classifier;
        var (ok, stdout, stderr) = CliRuns.InProcess("verify", model, model, "--data", Images(), "--accuracy", "softmax_0.tmp_0: top1 >= 100%; softmax_0.tmp_0: cosine >= 0.9999");
        Assert.True(ok == ExitCodes.Ok, stderr);
        Assert.Contains("softmax_0.tmp_0: top1 100% (holds >= 100%)", stdout);
        Assert.Contains("softmax_0.tmp_0: cosine 1 (holds >= 0.9999)", stdout);

        // An output the model lacks is a typo, not a budget that always holds: EDGE0002 listing the real ones.
        var (missing, _, missingErr) = CliRuns.InProcess("verify", model, model, "--data", Images(), "--accuracy", "nope: top1 >= 99%");
        Assert.Equal(ExitCodes.BadInput, missing);
        Assert.Contains("EDGE0002", missingErr);
        Assert.Contains("'nope'", missingErr);
        Assert.Contains("softmax_0.tmp_0", missingErr);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("optimize")]
    public void A_bad_spec_is_exit_2_naming_the_fix(string command)
    {
        var model = TestAssets.Classifier;
        string[] args = command == "verify"
            ? ["verify", model, model, "--data", Images(), "--accuracy", "softmax_0.tmp_0: top1 >= 99"]
            : ["optimize", model, "--target", "rpi5", "--output", Path.Combine(_dir, "o.onnx"), "--accuracy", "softmax_0.tmp_0: top1 >= 99"];
        var (code, _, stderr) = CliRuns.InProcess(args);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("EDGE0002", stderr);
        Assert.Contains("write it as a percentage: 99%", stderr);
    }

    [Theory]
    [InlineData("0", "takes a positive whole number, got '0'")]
    [InlineData("2.5", "takes a positive whole number, got '2.5'")]
    public void A_fallback_cap_that_is_not_a_positive_count_is_exit_2(string value, string problem)
    {
        var model = TestAssets.Classifier;
        var (code, _, stderr) = CliRuns.InProcess("optimize", model, "--target", "rpi5", "--output", Path.Combine(_dir, "o.onnx"), "--fallback-attempts", value);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("EDGE0002", stderr);
        Assert.Contains(problem, stderr);
        Assert.Contains("--fallback-attempts", stderr);
    }
}
