using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Runtime;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Runtime;

/// <summary>
/// "session.qdqisint8allowed" makes an x64 host run int8-activation QDQ the way an ARM device does; an x64 target must
/// never get it, since ORT on an x64 device leaves it off and its forced S8S8 kernels are 3-10x slower than U8S8.
/// </summary>
public class SessionsTests
{
    [Fact]
    public void Only_arm_targets_with_int8_activations_force_int8_qdq_fusion()
    {
        Assert.True(Sessions.ForcesInt8QdqFusion(ProfileCatalog.Get("rpi5")));
        Assert.True(Sessions.ForcesInt8QdqFusion(ProfileCatalog.Get("arm64")));
        Assert.False(Sessions.ForcesInt8QdqFusion(ProfileCatalog.Get("x64-vnni")));
        Assert.False(Sessions.ForcesInt8QdqFusion(ProfileCatalog.Get("x64-avx2")));
        Assert.False(Sessions.ForcesInt8QdqFusion(null));
    }

    [Fact]
    public void An_x64_profile_that_asks_for_s8s8_still_runs_like_an_x64_device()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("s8.json"), """{ "extends": "x64-vnni", "precision": { "scheme": "S8S8", "activationType": "int8" } }""");

        var target = CustomProfileLoader.Load(dir.File("s8.json"));

        Assert.Equal(QuantType.Int8, target.Precision.ActivationType);
        Assert.False(Sessions.ForcesInt8QdqFusion(target));
    }
}
