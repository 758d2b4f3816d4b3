namespace EdgeBuild.Tasks;

/// <summary>
/// Every diagnostic the MSBuild integration reports itself (EDGE0400–0499). Diagnostics from the
/// `edgebuild` tool keep the tool's own codes. docs/diagnostics.md lists each code with its fix.
/// </summary>
internal static class EdgeBuildDiagnostics
{
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
}
