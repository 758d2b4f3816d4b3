namespace EdgeBuild.Runtime;

/// <summary>
/// The model's bytes do not match the SHA-256 compiled into the generated wrapper: the file was replaced,
/// corrupted or belongs to another build.
/// </summary>
public sealed class EdgeModelIntegrityException : Exception
{
    /// <summary>Creates the exception for the given model source and hashes.</summary>
    public EdgeModelIntegrityException(string modelSource, string expectedSha256, string actualSha256)
        : base($"Model '{modelSource}' failed its integrity check: expected SHA-256 {expectedSha256}, found {actualSha256}. " +
               "Rebuild the project so the model and its generated wrapper come from the same build, " +
               "or pass EdgeSessionOptions.VerifyModelHash = false to load a different model with the same signature on purpose.")
    {
        ModelSource = modelSource;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The file path, resource name or stream description of the rejected model.</summary>
    public string ModelSource { get; }

    /// <summary>The hash compiled into the wrapper.</summary>
    public string ExpectedSha256 { get; }

    /// <summary>The hash of the bytes that were loaded.</summary>
    public string ActualSha256 { get; }
}
