using System.CommandLine;
using System.Text.RegularExpressions;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Commands;

/// <summary>The command line itself: usage errors, suggestions, generated help, and the MSBuild task's command line.</summary>
public sealed partial class CommandLineTests
{
    [GeneratedRegex(@"^(?<origin>[^:]+): error EDGE0002: (?<problem>.+)\. (?<fix>Run '[^']+ --help' for [^.]+)\.$")]
    private static partial Regex UsageLine();

    private static Match SingleUsageError(CliRun run)
    {
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var match = UsageLine().Match(Assert.Single(run.StderrLines));
        Assert.True(match.Success, run.Stderr);
        return match;
    }

    [Theory]
    [InlineData("optimize", "--taget", "--target")]
    [InlineData("optimize", "--calibraton-data", "--calibration-data")]
    [InlineData("inspect", "--jsn", "--json")]
    [InlineData("verify", "--min-sqrn", "--min-sqnr")]
    [InlineData("bench", "--iteration", "--iterations")]
    [InlineData("profiles", "--jsno", "--json")]
    public void An_unknown_option_is_one_canonical_line_with_a_suggestion_and_exit_2(string command, string typo, string suggestion)
    {
        // Alone, the typo would fill a positional slot; after one, it is left unmatched: both are the same error.
        string[][] lines = command == "profiles" ? [[command, typo]] : [[command, typo], [command, TestAssets.Classifier, typo, "x"]];
        foreach (var line in lines)
        {
            var match = SingleUsageError(CliRun.Of(line));

            Assert.Equal($"edgebuild {command}", match.Groups["origin"].Value);
            Assert.Equal($"unknown option '{typo}' (did you mean '{suggestion}'?)", match.Groups["problem"].Value);
            Assert.Equal($"Run 'edgebuild {command} --help' for its " + (command == "profiles" ? "commands and options" : "options"), match.Groups["fix"].Value);
        }
    }

    [Fact]
    public void An_unknown_command_suggests_the_nearest_and_lists_them()
    {
        var match = SingleUsageError(CliRun.Of("optimise", TestAssets.Classifier));

        Assert.Equal("edgebuild", match.Groups["origin"].Value);
        Assert.StartsWith("unknown command 'optimise' (did you mean 'optimize'?); the commands are inspect, optimize, profiles, verify, bench", match.Groups["problem"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_double_dash_an_argument_may_look_like_an_option()
    {
        var run = CliRun.Of("inspect", "--", "--no-such-model.onnx");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("--no-such-model.onnx: error EDGE0101: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_to_suggest_is_no_suggestion()
    {
        var match = SingleUsageError(CliRun.Of("inspect", TestAssets.Classifier, "--zzzzzzzz"));

        Assert.Equal("unknown option '--zzzzzzzz'", match.Groups["problem"].Value);
    }

    [Theory]
    [InlineData("no command given", new string[0])]
    [InlineData("missing MODEL", new[] { "inspect" })]
    [InlineData("option '--output' is required", new[] { "optimize", "m.onnx", "--target", "rpi5" })]
    [InlineData("option --target is required (or --profile FILE)", new[] { "optimize", "m.onnx", "--output", "o.onnx" })]
    [InlineData("option --min-sqnr takes a number, got 'lots'", new[] { "verify", "a", "b", "--data", "d", "--min-sqnr", "lots" })]
    [InlineData("'--target' expects a single argument but 2 were provided", new[] { "optimize", "m.onnx", "--output", "o", "--target", "rpi5", "--target", "rpi4" })]
    [InlineData("'int9' not recognized", new[] { "optimize", "m.onnx", "--output", "o", "--target", "rpi5", "--precision", "int9" })]
    [InlineData("unexpected argument 'extra'", new[] { "inspect", "m.onnx", "extra" })]
    [InlineData("unknown option '--force'", new[] { "optimize", "m.onnx", "--target", "rpi5", "--output", "o", "--force" })]
    public void Usage_errors_are_one_line_exit_2_and_name_the_problem(string problem, string[] args)
    {
        var match = SingleUsageError(CliRun.Of(args));

        Assert.Contains(problem, match.Groups["problem"].Value, StringComparison.Ordinal);
    }

    public static TheoryData<string> CommandNames() => [.. CommandRunner.Commands.Select(c => c.Name)];

    /// <summary>Every `--name` any verb declares, read from the declarations themselves.</summary>
    private static HashSet<string> OptionsOf(Command command) =>
        command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Per_command_help_lists_its_own_options_and_no_other_commands(string name)
    {
        var console = new CliConsole(TextWriter.Null, TextWriter.Null);
        var all = CommandRunner.Commands.ToDictionary(c => c.Name, c => OptionsOf(c.Create(console)));
        var help = CliRun.Of(name, "--help");

        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        Assert.Equal("", help.Stderr);
        Assert.Contains($"edgebuild {name} ", help.Stdout, StringComparison.Ordinal);
        var listed = Regex.Matches(help.Stdout, @"(?<![\w-])--[a-z][a-z0-9-]*").Select(m => m.Value).Where(o => o != "--help").ToHashSet(StringComparer.Ordinal);
        Assert.Superset(all[name], listed);
        var foreign = all.Where(c => c.Key != name).SelectMany(c => c.Value).Where(o => !all[name].Contains(o) && o != "--help").ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(foreign);
        Assert.Empty(listed.Intersect(foreign));
    }

    [Fact]
    public void Top_level_help_lists_every_command_and_exits_0()
    {
        var help = CliRun.Of("--help");

        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        foreach (var command in CommandRunner.Commands) Assert.Contains($"  {command.Name}", help.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every switch tasks/EdgeBuild.Tasks/EdgeBuildOptimize.cs passes (with values shaped as it shapes them) parses
    /// without a usage error; a renamed option would break every build.
    /// </summary>
    [Fact]
    public void The_msbuild_task_command_line_parses()
    {
        var root = CommandRunner.CreateRoot(new CliConsole(TextWriter.Null, TextWriter.Null));
        string[] args =
        [
            "optimize", "/p/det.onnx", "--target", "rpi5", "--output", "/p/obj/Det.onnx", "--manifest", "/p/obj/Det.edgemodel.json",
            "--report", "/p/obj/Det.report.json", "--class-name", "Det", "--namespace", "MyApp", "--precision", "int8", "--dims", "N=1;H=640;W=640",
            "--calibration-data", "/p/calib/*.npy;/p/more/*.npy", "--validation-data", "/p/val/*.npy", "--preprocess", "resize=fit:640:32",
            "--min-sqnr", "30", "--exclude-nodes", "a,b", "--profile", "/p/board.json", "--cache-dir", "/p/cache", "--embed",
            "--external-data",
        ];

        var parsed = root.Parse(args);

        Assert.Empty(parsed.Errors);
        Assert.Empty(parsed.UnmatchedTokens);
    }

    [Fact]
    public void Verbose_prints_each_stage_time_on_stderr_and_keeps_stdout_json()
    {
        var dir = Directory.CreateTempSubdirectory("edgebuild-cli-verbose-").FullName;
        try
        {
            var run = CliRun.Of("optimize", TestAssets.Classifier, "--target", "rpi5", "--precision", "none", "--output", Path.Combine(dir, "c.onnx"), "--json", "--verbose");

            Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
            using var _ = System.Text.Json.JsonDocument.Parse(run.Stdout);
            var times = run.StderrLines.Where(l => l.StartsWith("time: ", StringComparison.Ordinal)).ToList();
            Assert.Contains(times, l => l.EndsWith("load and check the source", StringComparison.Ordinal));
            // Stages are the plan steps that ran (docs/contracts.md §5).
            Assert.Contains(times, l => l.EndsWith("  " + EdgeBuild.Optimization.Planning.PlanStepIds.Write, StringComparison.Ordinal));
            Assert.DoesNotContain("time: ", CliRun.Of("optimize", TestAssets.Classifier, "--target", "rpi5", "--precision", "none", "--output", Path.Combine(dir, "d.onnx")).Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
