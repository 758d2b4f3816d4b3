using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Commands;

/// <summary>
/// `--target` and `--profile FILE` on every command that takes them (optimize, verify, bench): an unknown
/// target is exit 2 with the known ids and a did-you-mean, a bad custom profile field is exit 2 naming it.
/// </summary>
public sealed class TargetAndProfileOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-cli-target-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Calib()
    {
        var folder = Path.Combine(_dir, "calib");
        Directory.CreateDirectory(folder);
        var image = Directory.GetFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).First();
        File.Copy(image, Path.Combine(folder, "a.png"), overwrite: true);
        return folder;
    }

    /// <summary>Each command with its arguments, minus --target/--profile.</summary>
    private IEnumerable<string[]> Commands()
    {
        var model = TestAssets.Classifier;
        yield return ["optimize", model, "--output", Path.Combine(_dir, "o.onnx"), "--precision", "none"];
        yield return ["verify", model, model, "--data", Calib()];
        yield return ["bench", model, model, "--data", Calib(), "--iterations", "1", "--samples", "1"];
    }

    [Theory]
    [InlineData("rpi-5", "rpi5")]
    [InlineData("jetson", "jetson-orin-nano")]
    [InlineData("x64avx2", "x64-avx2")]
    public void Unknown_target_is_exit_2_with_the_known_targets_and_a_suggestion(string target, string suggestion)
    {
        foreach (var command in Commands())
        {
            var (code, stdout, stderr) = CliRuns.InProcess([.. command, "--target", target]);

            Assert.True(code == ExitCodes.BadInput, $"{command[0]}: {stderr}");
            Assert.Equal("", stdout);
            Assert.StartsWith($"{target}: error EDGE0003: unknown target '{target}' (did you mean '{suggestion}'?)", stderr);
            Assert.Contains("rpi5, rpi4, rpi-zero2w, jetson-orin-nano, x64-avx2, x64-vnni, arm64", stderr);
            Assert.DoesNotContain("   at ", stderr);
        }

        Assert.False(File.Exists(Path.Combine(_dir, "o.onnx")));
    }

    [Fact]
    public void A_custom_profile_with_a_bad_field_is_exit_2_naming_the_file_and_the_field()
    {
        var profile = Path.Combine(_dir, "board.json");
        File.WriteAllText(profile, """{ "extends": "rpi5", "precision": { "scheme": "S9S9" } }""");

        foreach (var command in Commands())
        {
            var (code, _, stderr) = CliRuns.InProcess([.. command, "--profile", profile]);

            Assert.True(code == ExitCodes.BadInput, $"{command[0]}: {stderr}");
            Assert.StartsWith($"{profile}: error EDGE0004: ", stderr);
            Assert.Contains("field 'precision.scheme'", stderr);
        }
    }

    [Fact]
    public void A_custom_profile_extending_an_unknown_target_names_extends_and_suggests()
    {
        var profile = Path.Combine(_dir, "board.json");
        File.WriteAllText(profile, """{ "extends": "rpi7" }""");

        var (code, _, stderr) = CliRuns.InProcess("optimize", TestAssets.Classifier, "--profile", profile, "--output", Path.Combine(_dir, "o.onnx"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("field 'extends'", stderr);
        Assert.Contains("did you mean 'rpi5'?", stderr);
    }

    [Fact]
    public void A_custom_profile_is_what_optimize_plans_and_writes_into_the_manifest()
    {
        var profile = Path.Combine(_dir, "my-board.json");
        File.WriteAllText(profile, """{ "extends": "rpi5", "session": { "intraOpThreads": 2 } }""");
        var manifest = Path.Combine(_dir, "Cls.edgemodel.json");

        var (code, stdout, stderr) = CliRuns.InProcess("optimize", TestAssets.Classifier, "--profile", profile, "--precision", "none",
            "--output", Path.Combine(_dir, "Cls.onnx"), "--manifest", manifest, "--explain");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("Plan for target 'my-board', precision none:", stdout);
        Assert.Contains("cleanup", stdout);
        Assert.Contains("why: ", stdout);
        var session = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!["session"]!;
        Assert.Equal(2, (int)session["intraOpThreads"]!);
        Assert.Equal("my-board", (string)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!["target"]!);
    }

    [Fact]
    public void Explain_gives_the_device_reason_for_the_int8_scheme()
    {
        var (code, stdout, stderr) = CliRuns.InProcess("optimize", TestAssets.Classifier, "--target", "rpi5", "--precision", "int8",
            "--calibration-data", Calib(), "--min-sqnr", "0", "--output", Path.Combine(_dir, "Cls.onnx"), "--explain");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("rpi5: Armv8.2 dotprod (sdot, no saturation) → S8S8 QDQ per-channel, no reduce_range", stdout);
        var steps = stdout.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  \d+\. ")).Select(l => l.Trim()[(l.Trim().IndexOf(' ') + 1)..]).ToList();
        Assert.Equal(["cleanup", "calibrate", "quantize-qdq", "exclude-sensitive-nodes", "compress-remaining-weights", "measure-layer-error", "weights-as-cast-mul", "compact-encoding", "verify", "write", "review-result", "check-budgets"], steps);
    }
}
