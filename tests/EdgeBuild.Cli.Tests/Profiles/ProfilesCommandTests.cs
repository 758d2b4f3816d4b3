using System.Text.Json.Nodes;

namespace EdgeBuild.Cli.Tests.Profiles;

public class ProfilesCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandRunner.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Json_list_has_at_least_seven_profiles_with_every_field_group()
    {
        var (exit, output, err) = Run("profiles", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", err);
        var profiles = JsonNode.Parse(output)!.AsArray();
        Assert.True(profiles.Count >= 7);
        foreach (var profile in profiles.Select(p => p!.AsObject()))
        {
            foreach (var field in new[] { "id", "cpu", "precision", "session", "budgets", "dimDefaults" })
                Assert.True(profile.ContainsKey(field), $"{profile["id"]} lacks {field}");
            Assert.NotNull(profile["cpu"]!["architecture"]);
            Assert.NotNull(profile["cpu"]!["features"]);
            Assert.NotNull(profile["session"]!["executionProviders"]);
            Assert.NotNull(profile["precision"]!["scheme"]);
            Assert.NotNull(profile["precision"]!["reduceRange"]);
        }
    }

    [Fact]
    public void Show_rpi5_prints_the_design_facts()
    {
        var (exit, output, _) = Run("profiles", "show", "rpi5");
        Assert.Equal(0, exit);
        Assert.Contains("Cortex-A76", output);
        Assert.Contains("dotprod", output);
        Assert.Contains("S8S8 QDQ per-channel", output);
        Assert.Contains("2.4 GHz", output);

        var (jsonExit, json, _) = Run("profiles", "show", "rpi5", "--json");
        Assert.Equal(0, jsonExit);
        var node = JsonNode.Parse(json)!;
        Assert.Equal(4, (int)node["session"]!["intraOpThreads"]!);
        Assert.Equal("S8S8", (string)node["precision"]!["scheme"]!);
        Assert.False((bool)node["precision"]!["reduceRange"]!);
    }

    [Fact]
    public void Unknown_target_exits_2_with_the_list_and_a_suggestion()
    {
        var (exit, output, err) = Run("profiles", "show", "rpi-5");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("EDGE0003", err);
        Assert.Contains("Did you mean 'rpi5'?", err);
        Assert.Contains("jetson-orin-nano", err);
    }

    [Fact]
    public void Custom_profile_with_a_bad_field_exits_2_naming_the_field_and_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgebuild-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "extends": "rpi5", "session": { "intraOpThreds": 2 } }""");
        try
        {
            var (exit, _, err) = Run("profiles", "show", "--profile=" + path);
            Assert.Equal(2, exit);
            Assert.Contains($"{path}: error EDGE0004: field 'session.intraOpThreds'", err);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Custom_profile_shows_resolved()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgebuild-board-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "id": "board", "extends": "rpi4", "session": { "intraOpThreads": 3 } }""");
        try
        {
            var (exit, output, _) = Run("profiles", "show", "--profile=" + path, "--json");
            Assert.Equal(0, exit);
            var node = JsonNode.Parse(output)!;
            Assert.Equal("board", (string)node["id"]!);
            Assert.Equal(3, (int)node["session"]!["intraOpThreads"]!);
            Assert.Equal("Cortex-A72", (string)node["cpu"]!["coreName"]!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var (exit, _, err) = Run("profiles", "--jsn");
        Assert.Equal(2, exit);
        Assert.Contains("--jsn", err);
    }
}
