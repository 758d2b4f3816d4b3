namespace EdgeBuild.Tasks;

/// <summary>
/// Every diagnostic the MSBuild integration reports itself (EDGE0400–0499). Diagnostics from the
/// `edgebuild` tool keep the tool's own codes. docs/diagnostics.md lists each code with its fix.
/// </summary>
internal static class EdgeBuildDiagnostics
{
    public const string ModelNotFound = DiagnosticCodes.ModelNotFound;
    public const string TargetMissing = DiagnosticCodes.TargetMissing;
    public const string BadPrecision = DiagnosticCodes.BadPrecision;
    public const string CalibrationDataNotFound = DiagnosticCodes.CalibrationDataNotFound;
    public const string ValidationDataNotFound = DiagnosticCodes.ValidationDataNotFound;
    public const string BadMetadataValue = DiagnosticCodes.BadMetadataValue;
    public const string ProfileNotFound = DiagnosticCodes.ProfileNotFound;
    public const string DuplicateClassName = DiagnosticCodes.DuplicateClassName;
    public const string ToolNotFound = DiagnosticCodes.ToolNotFound;
    public const string ToolFailed = DiagnosticCodes.ToolFailed;
    public const string OnnxRuntimeNotRestored = DiagnosticCodes.OnnxRuntimeNotRestored;
    public const string OutputMissing = DiagnosticCodes.OutputMissing;
}
