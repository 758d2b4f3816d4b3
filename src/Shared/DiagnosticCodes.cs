namespace EdgeBuild;

/// <summary>
/// Every EDGE diagnostic code, by meaning (docs/diagnostics.md documents each one with its fix; a test fails when a
/// code here is not documented there or the page documents one that is not here). Linked into the optimizer, the
/// CLI, the MSBuild tasks and the generator, so no code is a string literal in the code that reports it.
/// </summary>
internal static class DiagnosticCodes
{
    // Usage, targets and profiles (docs: "Targets, profiles and budgets").
    public const string Usage = "EDGE0002";
    public const string UnknownTarget = "EDGE0003";
    public const string BadProfile = "EDGE0004";

    // Tool catch-alls (src/EdgeBuild.Cli/UnexpectedError.cs).
    public const string FileSystem = "EDGE0005";
    public const string Internal = "EDGE0299";

    // Models, data and accuracy.
    public const string InvalidModel = "EDGE0101";
    public const string ExternalData = "EDGE0102";
    public const string Samples = "EDGE0110";
    public const string AccuracyBudget = "EDGE0201";
    public const string Float16WideningRejected = "EDGE0202";

    // Never silent (warnings): what the optimizer did not do, or did without data.
    public const string WeightsLeftFloat = "EDGE0220";
    public const string DataFreeDefault = "EDGE0221";

    // Budgets (warnings unless --fail-on-budget).
    public const string SizeBudget = "EDGE0301";
    public const string MemoryBudget = "EDGE0302";

    /// <summary>Budget codes share this prefix; the MSBuild task turns them into errors with EdgeBuildFailOnBudget.</summary>
    public const string BudgetPrefix = "EDGE03";

    // MSBuild integration (tasks/EdgeBuild.Tasks).
    public const string ModelNotFound = "EDGE0401";
    public const string TargetMissing = "EDGE0402";
    public const string BadPrecision = "EDGE0403";
    public const string CalibrationDataNotFound = "EDGE0404";
    public const string ValidationDataNotFound = "EDGE0405";
    public const string BadMetadataValue = "EDGE0406";
    public const string ProfileNotFound = "EDGE0407";
    public const string DuplicateClassName = "EDGE0408";
    public const string ToolNotFound = "EDGE0409";
    public const string ToolFailed = "EDGE0410";
    public const string OnnxRuntimeNotRestored = "EDGE0411";
    public const string OutputMissing = "EDGE0412";

    /// <summary>Packing only (nuget/EdgeBuild/EdgeBuild.csproj, an MSBuild Error task: it cannot use this class).</summary>
    public const string PackageDependencyMissing = "EDGE0490";

    // Source generator (generators/EdgeBuild.Generators/DiagnosticDescriptors.cs).
    public const string GeneratorUnresolvedSymbolicDim = "EDGEGEN001";
    public const string GeneratorUnsupportedElementType = "EDGEGEN002";
    public const string GeneratorMalformedManifest = "EDGEGEN003";
    public const string GeneratorInvalidIdentifier = "EDGEGEN004";
    public const string GeneratorDuplicateClass = "EDGEGEN005";
}
