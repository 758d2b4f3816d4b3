using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Tests.Profiles;

public class ProfileCatalogTests
{
    [Fact]
    public void Catalog_lists_the_seven_required_targets_and_every_one_loads_and_validates()
    {
        Assert.Equal(["rpi5", "rpi4", "rpi-zero2w", "jetson-orin-nano", "x64-avx2", "x64-vnni", "arm64"], ProfileCatalog.Ids);
        foreach (var profile in ProfileCatalog.All)
        {
            Assert.Empty(ProfileValidator.Check(profile));
            Assert.NotEqual(Precision.Auto, profile.Precision.DefaultPrecision);
            Assert.Equal(1, profile.DimDefaults.Resolve("batch", 0));
            Assert.Equal(1, profile.DimDefaults.Resolve("p2o.DynamicDimension.0", 0));
            Assert.Null(profile.DimDefaults.Resolve("H", 2));
        }
    }

    [Fact]
    public void Every_embedded_catalog_file_is_listed()
    {
        var embedded = typeof(ProfileCatalog).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("EdgeBuild.Optimization.Profiles.Catalog.", StringComparison.Ordinal))
            .Select(n => n["EdgeBuild.Optimization.Profiles.Catalog.".Length..^".json".Length])
            .Order(StringComparer.Ordinal);
        Assert.Equal(ProfileCatalog.Ids.Order(StringComparer.Ordinal), embedded);
    }

    [Fact]
    public void Rpi5_matches_the_design_facts()
    {
        var p = ProfileCatalog.Get("rpi5");
        Assert.Equal(CpuArchitecture.Arm64, p.Cpu.Architecture);
        Assert.Equal("Cortex-A76", p.Cpu.CoreName);
        Assert.Equal(4, p.Cpu.Cores);
        Assert.Equal(2.4, p.Cpu.MaxClockGHz);
        Assert.Equal("armv8.2-a", p.Cpu.Isa);
        Assert.True(p.Cpu.HasFeature("dotprod"));
        Assert.True(p.Cpu.HasFeature("fp16"));
        Assert.Equal(2L << 20, p.Cpu.L3CacheBytes);
        Assert.Equal(1L << 30, p.Memory.MinRamBytes);
        Assert.Equal(16L << 30, p.Memory.MaxRamBytes);

        Assert.Equal(QuantScheme.S8S8, p.Precision.Scheme);
        Assert.Equal(QuantFormat.Qdq, p.Precision.Format);
        Assert.True(p.Precision.PerChannel);
        Assert.True(p.Precision.SymmetricWeights);
        Assert.False(p.Precision.SymmetricActivations);
        Assert.False(p.Precision.ReduceRange);
        Assert.False(p.Precision.Fp16Accelerated);

        Assert.Equal(4, p.Session.IntraOpThreads);
        Assert.Equal(["cpu"], p.Session.ExecutionProviders);
        Assert.NotNull(p.Budgets.MaxPeakMemoryBytes);
        Assert.NotNull(p.Budgets.MaxModelBytes);
    }

    [Fact]
    public void Device_specific_schemes_follow_the_design_facts()
    {
        var avx2 = ProfileCatalog.Get("x64-avx2").Precision;
        Assert.True(avx2.ReduceRange || avx2.Scheme == QuantScheme.U8U8);
        Assert.NotEqual(QuantScheme.S8S8, avx2.Scheme);

        // U8S8 on x64 even with VNNI: ORT's x64 S8S8 QLinearConv is 3-10x slower than U8S8 (docs/profiles.md).
        Assert.Equal(QuantScheme.U8S8, ProfileCatalog.Get("x64-vnni").Precision.Scheme);
        Assert.False(ProfileCatalog.Get("x64-vnni").Precision.ReduceRange);
        // Dynamic int8 MatMul without data only where it was measured to gain (VNNI; docs/optimization.md).
        Assert.Equal(["x64-vnni"], ProfileCatalog.Ids.Where(id => ProfileCatalog.Get(id).Precision.DataFreeMatMul == DataFreeMatMul.DynamicInt8));
        Assert.All(ProfileCatalog.Ids.Select(ProfileCatalog.Get).Where(p => p.Cpu.Architecture == CpuArchitecture.Arm64 && p.Id != "jetson-orin-nano"),
            p => Assert.Equal(QuantScheme.S8S8, p.Precision.Scheme));

        var jetson = ProfileCatalog.Get("jetson-orin-nano");
        Assert.True(jetson.Precision.SymmetricActivations);
        Assert.True(jetson.Precision.Fp16Accelerated);
        Assert.Equal("tensorrt", jetson.Session.ExecutionProviders[0]);

        var zero = ProfileCatalog.Get("rpi-zero2w");
        Assert.Equal(512L << 20, zero.Memory.MaxRamBytes);
        Assert.True(zero.Budgets.MaxPeakMemoryBytes < zero.Memory.MaxRamBytes);

        Assert.False(ProfileCatalog.Get("rpi4").Cpu.HasFeature("dotprod"));
        // Generic profiles do not invent figures that vary by machine.
        Assert.Null(ProfileCatalog.Get("arm64").Cpu.Cores);
        Assert.Null(ProfileCatalog.Get("x64-avx2").Budgets.MaxPeakMemoryBytes);
    }

    [Fact]
    public void Session_settings_serialize_to_the_manifest_session_object()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(ProfileCatalog.Get("rpi5").Session, ProfileJson.Options);
        var keys = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject().Select(p => p.Key);
        Assert.Equal(["intraOpThreads", "interOpThreads", "allowSpinning", "enableCpuMemArena", "enableMemoryPattern",
            "graphOptimizationLevel", "executionMode", "executionProviders"], keys);
        Assert.Contains("\"graphOptimizationLevel\": \"all\"", json);
        Assert.Contains("\"executionMode\": \"sequential\"", json);
    }

    [Theory]
    [InlineData("rpi-5", "rpi5")]
    [InlineData("rpi", "rpi5")]
    [InlineData("RPI4", "rpi4")]
    [InlineData("x64-avx", "x64-avx2")]
    [InlineData("jetson-orin", "jetson-orin-nano")]
    [InlineData("rpi-zero2", "rpi-zero2w")]
    public void Unknown_id_throws_with_known_ids_and_a_suggestion(string id, string suggestion)
    {
        var e = Assert.Throws<UnknownProfileException>(() => ProfileCatalog.Get(id));
        Assert.Equal(suggestion, e.Suggestion);
        Assert.Equal(ProfileCatalog.Ids, e.KnownIds);
        Assert.Contains($"Did you mean '{suggestion}'?", e.Message);
        Assert.Contains("rpi-zero2w", e.Message);
    }

    [Fact]
    public void Unknown_id_far_from_every_known_one_gets_no_suggestion()
    {
        var e = Assert.Throws<UnknownProfileException>(() => ProfileCatalog.Get("mainframe"));
        Assert.Null(e.Suggestion);
        Assert.DoesNotContain("Did you mean", e.Message);
    }
}
