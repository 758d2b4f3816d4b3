using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Tests.Profiles;

public sealed class CustomProfileLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-profiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Extends_a_builtin_and_overrides_only_what_it_names()
    {
        var path = Write("board.json", """
            {
              "extends": "rpi5",
              // a 4 GB board that shares the CPU with a camera pipeline
              "memory": { "minRamBytes": 4294967296, "maxRamBytes": 4294967296 },
              "session": { "intraOpThreads": 2, "allowSpinning": false },
              "budgets": { "maxPeakMemoryBytes": 104857600 },
            }
            """);
        var p = CustomProfileLoader.Load(path);

        var rpi5 = ProfileCatalog.Get("rpi5");
        Assert.Equal("board", p.Id);
        Assert.Equal(2, p.Session.IntraOpThreads);
        Assert.False(p.Session.AllowSpinning);
        Assert.Equal(rpi5.Session.EnableCpuMemArena, p.Session.EnableCpuMemArena);
        Assert.Equal(rpi5.Session.ExecutionProviders, p.Session.ExecutionProviders);
        Assert.Equal(100L << 20, p.Budgets.MaxPeakMemoryBytes);
        Assert.Equal(rpi5.Budgets.MaxModelBytes, p.Budgets.MaxModelBytes);
        Assert.Equal(rpi5.Precision, p.Precision);
        Assert.Equal(4L << 30, p.Memory.MaxRamBytes);
        Assert.Contains("board.json", p.Description);
    }

    [Fact]
    public void Null_removes_an_optional_figure_and_the_target_is_the_default_base()
    {
        var path = Write("nobudget.json", """{ "id": "pi-lab", "budgets": { "maxModelBytes": null } }""");
        var p = ProfileResolver.Resolve("rpi4", path);
        Assert.Equal("pi-lab", p.Id);
        Assert.Null(p.Budgets.MaxModelBytes);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(ProfileCatalog.Get("rpi4").Cpu, ProfileJson.Options),
            System.Text.Json.JsonSerializer.Serialize(p.Cpu, ProfileJson.Options));
    }

    [Theory]
    [InlineData("""{ "extends": "rpi5", "precision": { "sheme": "S8S8" } }""", "precision.sheme")]
    [InlineData("""{ "extends": "rpi5", "precision": { "scheme": "S16S16" } }""", "precision.scheme")]
    [InlineData("""{ "extends": "rpi5", "precision": { "scheme": "U8S8" } }""", "precision.activationType")]
    [InlineData("""{ "extends": "rpi5", "session": { "intraOpThreads": "four" } }""", "session.intraOpThreads")]
    [InlineData("""{ "extends": "rpi5", "session": { "intraOpThreads": -1 } }""", "session.intraOpThreads")]
    [InlineData("""{ "extends": "rpi5", "session": { "executionProviders": ["cpu", "tensorrtt"] } }""", "session.executionProviders[1]")]
    [InlineData("""{ "extends": "rpi5", "session": { "graphOptimizationLevel": "max" } }""", "session.graphOptimizationLevel")]
    [InlineData("""{ "extends": "rpi5", "budgets": { "maxPeakMemoryBytes": 0 } }""", "budgets.maxPeakMemoryBytes")]
    [InlineData("""{ "extends": "rpi5", "cpu": null }""", "cpu")]
    [InlineData("""{ "extends": "rpi5", "dimDefaults": { "byName": { "N": 0 } } }""", "dimDefaults.byName.N")]
    [InlineData("""{ "extends": "rpi-6" }""", "extends")]
    [InlineData("""{ "extends": 5 }""", "extends")]
    [InlineData("""{ "id": "Bad Id", "extends": "rpi5" }""", "id")]
    [InlineData("""{ "id": "standalone", "description": "no base" }""", "cpu")]
    [InlineData("""{ "extends": "rpi5", """, "$")]
    public void A_bad_field_is_reported_with_its_path_and_the_file(string json, string fieldPath)
    {
        var path = Write("bad.json", json);
        var e = Assert.Throws<ProfileValidationException>(() => CustomProfileLoader.Load(path));
        Assert.Equal(path, e.Source);
        Assert.True(e.Errors.Any(error => error.FieldPath == fieldPath), e.Message);
        Assert.StartsWith(path + ":", e.Message);
        Assert.True(!e.Message.Contains("System.", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Unknown_enum_value_lists_the_allowed_names()
    {
        var path = Write("enum.json", """{ "extends": "rpi5", "precision": { "scheme": "S16S16" } }""");
        var e = Assert.Throws<ProfileValidationException>(() => CustomProfileLoader.Load(path));
        Assert.Contains("S8S8, U8S8, U8U8", e.Message);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var path = Path.Combine(_dir, "nope.json");
        var e = Assert.Throws<ProfileValidationException>(() => CustomProfileLoader.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_complete_standalone_profile_round_trips_through_its_own_json()
    {
        var json = ProfileJson.Serialize(ProfileCatalog.Get("jetson-orin-nano") with { Id = "my-jetson" });
        var p = CustomProfileLoader.Load(Write("my-jetson.json", json));
        Assert.Equal(json, ProfileJson.Serialize(p));
    }
}
