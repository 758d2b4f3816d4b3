namespace EdgeBuild.Generators;

/// <summary>Names of the pipeline steps, so tests can assert each one is cached after an unrelated edit.</summary>
internal static class TrackingNames
{
    public const string RootNamespace = nameof(RootNamespace);
    public const string ManifestText = nameof(ManifestText);
    public const string ManifestResult = nameof(ManifestResult);
    public const string AllManifests = nameof(AllManifests);
}
