namespace EdgeBuild.Integration.Tests.Sample;

/// <summary>
/// Once for the sample tests: samples/prepare.sh fetches the pinned assets and packs EdgeBuild into artifacts/packages,
/// the feed samples/NuGet.config reads; the check scripts then skip that step.
/// </summary>
public sealed class SamplePreparation
{
    public SamplePreparation()
    {
        var (exitCode, log) = SampleScript.Run("prepare.sh", [], TimeSpan.FromMinutes(15), prepared: false);
        if (exitCode != 0) throw new InvalidOperationException($"samples/prepare.sh exited with {exitCode}:\n{log}");
    }
}
