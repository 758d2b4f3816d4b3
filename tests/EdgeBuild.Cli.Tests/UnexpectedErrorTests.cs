using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests;

/// <summary>The CLI's catch-all (src/EdgeBuild.Cli/UnexpectedError.cs) and the quiet native logging it relies on.</summary>
public sealed class UnexpectedErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-unexpected-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_unwritable_output_path_is_one_EDGE0005_line_not_a_stack_trace()
    {
        var model = CliRuns.CopyModel(CliRuns.Classifier, _dir);
        var blocker = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(blocker, "a file where the output folder should be");

        var (code, _, err) = CliRuns.InProcess(["optimize", model, "--target", "rpi5", "--precision", "none", "--output", Path.Combine(blocker, "out", "m.onnx")]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(Diagnostics.CheckSingleCanonicalError(err, _dir));
        Assert.Contains($"{model}: error EDGE0005: cannot read or write a file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unmapped_exception_is_one_EDGE0299_line_naming_the_file_and_exit_code_2()
    {
        var stderr = new StringWriter();

        var code = UnexpectedError.Report("models/det.onnx", new InvalidOperationException("Sequence contains\nno elements."), stderr);

        Assert.Equal(ExitCodes.BadInput, code);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(Diagnostics.Canonical(), line.TrimEnd('\r'));
        Assert.StartsWith("models/det.onnx: error EDGE0299: EdgeBuild failed unexpectedly (InvalidOperationException: Sequence contains no elements)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_onnx_runtime_session_the_optimizer_creates_goes_through_the_quiet_options()
    {
        // ORT's native logger writes to the process's stderr, which the MSBuild task turns into build output;
        // Sessions.Options/Quiet set the fatal-only level, so no other file may build SessionOptions itself.
        var src = Path.Combine(TestAssets.RepoRoot, "src", "EdgeBuild.Optimization");
        var offenders = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "Sessions.cs" && File.ReadAllText(f).Contains("new SessionOptions", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(src, f))
            .ToList();
        Assert.True(offenders.Count == 0, "create sessions with Runtime.Sessions.Options/Quiet instead: " + string.Join(", ", offenders));
    }
}
