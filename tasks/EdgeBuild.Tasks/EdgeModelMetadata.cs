namespace EdgeBuild.Tasks;

/// <summary>Names of the EdgeModel item's metadata (user-facing) and of what <see cref="ResolveEdgeModels"/> adds.</summary>
internal static class EdgeModelMetadata
{
    // Declared by users (DESIGN.md).
    // Not "Target": MSBuild reserves that name (MSB4066), so the device id is TargetDevice.
    public const string Target = "TargetDevice";
    public const string ClassName = "ClassName";
    public const string Namespace = "Namespace";
    public const string Precision = "Precision";
    public const string Dims = "Dims";
    public const string CalibrationData = "CalibrationData";
    public const string ValidationData = "ValidationData";
    public const string Preprocess = "Preprocess";
    public const string SyntheticValues = "SyntheticValues";
    public const string MinSqnrDb = "MinSqnrDb";

    /// <summary>Task metrics per output (AccuracyMetrics syntax, src/Shared/AccuracySpec.cs), e.g. "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%".</summary>
    public const string Accuracy = "Accuracy";

    /// <summary>Cap on the accuracy fallback's attempts (a count, so builds stay deterministic); empty: the profile's.</summary>
    public const string FallbackAttempts = "FallbackAttempts";

    /// <summary>Seconds the accuracy fallback may spend (opt-in: a search it stops depends on the machine); empty: the profile's, none built in.</summary>
    public const string FallbackTimeBudget = "FallbackTimeBudget";
    public const string ExcludeNodes = "ExcludeNodes";
    public const string Embed = "Embed";
    public const string Profile = "Profile";

    /// <summary>true: the optimized model keeps its weights in NAME.onnx.data next to it (`--external-data`).</summary>
    public const string ExternalData = "ExternalData";

    // Computed by ResolveEdgeModels for the later targets.
    public const string SourcePath = "SourcePath";
    public const string ProfilePath = "ProfilePath";
    public const string OptimizedModel = "OptimizedModel";
    public const string Manifest = "Manifest";
    public const string Report = "Report";
    public const string ReportHtml = "ReportHtml";
    public const string OptionsStamp = "OptionsStamp";
    public const string Inputs = "EdgeBuildInputs";
    public const string OutputFileName = "OutputFileName";
    public const string ResourceName = "ResourceName";

    /// <summary>
    /// The optimized model's external data file under obj/ (OptimizedModel + ".data") when the item asks for external
    /// data or an earlier build wrote one (automatic past 2 GB); empty otherwise. An output of the optimize target.
    /// </summary>
    public const string ExternalDataFile = "ExternalDataFile";

    /// <summary>The sample list files (DataPatterns' .samples) the task writes and passes the tool; empty without data.</summary>
    public const string CalibrationList = "CalibrationList";
    public const string ValidationList = "ValidationList";

    /// <summary>
    /// Computed metadata left out of the options stamp: where outputs go (their file names are stamped through
    /// ClassName and OutputFileName), the Inputs list and the sample list files (their files are stamped as lists of
    /// their own).
    /// </summary>
    public static readonly System.Collections.Generic.HashSet<string> NotStamped = new(System.StringComparer.OrdinalIgnoreCase)
    {
        OptimizedModel, Manifest, Report, ReportHtml, OptionsStamp, Inputs, CalibrationList, ValidationList, ExternalDataFile,
    };
}
