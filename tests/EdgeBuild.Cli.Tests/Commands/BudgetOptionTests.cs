using System.Text.Json.Nodes;
using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Commands;

/// <summary>Size and peak-memory budgets of the profile: a warning by default, an error with --fail-on-budget.</summary>
public sealed class BudgetOptionTests : IDisposable
{
    private const string ClassifierDims = "p2o.DynamicDimension.1=48;p2o.DynamicDimension.2=192";
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-cli-budget-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Profile(long maxModelBytes, long maxPeakMemoryBytes)
    {
        var path = Path.Combine(_dir, "tight.json");
        File.WriteAllText(path, $$"""{ "extends": "rpi5", "budgets": { "maxModelBytes": {{maxModelBytes}}, "maxPeakMemoryBytes": {{maxPeakMemoryBytes}} } }""");
        return path;
    }

    private (int Code, string Out, string Err) Optimize(string profile, params string[] extra) =>
        CliRuns.InProcess(["optimize", TestAssets.Classifier, "--profile", profile, "--precision", "none", "--dims", ClassifierDims,
            "--output", Path.Combine(_dir, "Cls.onnx"), "--report", Path.Combine(_dir, "Cls.report.json"), .. extra]);

    [Fact]
    public void Over_both_budgets_is_two_warnings_with_the_figures_and_exit_0()
    {
        var (code, _, stderr) = Optimize(Profile(100_000, 1_000_000));

        Assert.True(code == ExitCodes.Ok, stderr);
        var output = Path.Combine(_dir, "Cls.onnx");
        Assert.Contains($"{output}: warning EDGE0301: optimized model is ", stderr);
        Assert.Contains("over tight's model budget of 97.7 KiB (100000 bytes)", stderr);
        Assert.Contains($"{output}: warning EDGE0302: estimated peak memory is ", stderr);
        Assert.Contains("x=[1,3,48,192]", stderr);

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "Cls.report.json")))!;
        Assert.Equal(2, report["findings"]!.AsArray().Count);
        Assert.True((long)report["memory"]!["initializerBytes"]! > 400_000);
        Assert.True((long)report["memory"]!["peakActivationBytes"]! > 0);
        Assert.Equal(1_000_000, (long)report["maxPeakMemoryBytes"]!);
    }

    [Fact]
    public void Fail_on_budget_turns_them_into_errors_with_exit_1()
    {
        var (code, _, stderr) = Optimize(Profile(100_000, 1_000_000), "--fail-on-budget");

        Assert.Equal(ExitCodes.FailedCheck, code);
        Assert.Contains("error EDGE0301", stderr);
        Assert.Contains("error EDGE0302", stderr);
    }

    [Fact]
    public void Within_budget_is_silent()
    {
        var (code, _, stderr) = Optimize(Profile(100_000_000, 1_000_000_000), "--fail-on-budget");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.DoesNotContain("EDGE03", stderr);
    }
}
