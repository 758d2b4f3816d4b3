using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>What a profile says about fp16 and int4 reaches the optimizer: `auto` and the int4 block size.</summary>
public class PrecisionProfileTests
{
    [Fact]
    public void A_profile_can_make_auto_mean_fp16_and_set_the_int4_block_size()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("gpu-board.json"), """{ "extends": "jetson-orin-nano", "precision": { "defaultPrecision": "fp16", "int4BlockSize": 64 } }""");

        var target = CustomProfileLoader.Load(dir.File("gpu-board.json"));

        Assert.Equal(Precision.Fp16, target.Precision.DefaultPrecision);
        Assert.Equal(64, target.Precision.Int4BlockSize);
        Assert.Equal(32, ProfileCatalog.Get("rpi5").Precision.Int4BlockSize);
    }

    [Fact]
    public void An_int4_block_size_ORT_cannot_run_is_a_profile_error()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.json"), """{ "extends": "rpi5", "precision": { "int4BlockSize": 24 } }""");

        var e = Assert.Throws<ProfileValidationException>(() => CustomProfileLoader.Load(dir.File("bad.json")));
        Assert.Contains("int4BlockSize", e.Message);
    }
}
