using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Tests.Conformance;

/// <summary>
/// One call for a test: run the backend suite through a model transform and check the outcome against the
/// committed expectations. The I/O tests pass the identity; optimizer tests pass a cleanup pass to prove it
/// preserves every recorded output.
/// </summary>
public static class ConformanceSuite
{
    /// <summary>Set to 1 to rewrite the expectations file from this run (then review the diff before committing).</summary>
    public const string UpdateVariable = "EDGEBUILD_UPDATE_CONFORMANCE";

    public static (ConformanceReport Report, IReadOnlyList<CaseResult> Results) Check(
        Func<ModelProto, ModelProto> transform, string testDataRoot, string expectationsPath, Func<BackendTestCase, bool>? filter = null)
    {
        var cases = BackendTestCase.Enumerate(testDataRoot).Where(filter ?? (_ => true)).ToList();
        var work = Path.Combine(Path.GetTempPath(), "edgebuild-conformance", Guid.NewGuid().ToString("N"));
        IReadOnlyList<CaseResult> results;
        try
        {
            results = new ConformanceRunner(work) { Transform = transform }.RunAll(cases);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1" && filter is null)
            File.WriteAllText(expectationsPath, ConformanceExpectations.Format(results));

        // A filtered run checks only the cases it ran: listed cases that did not run are not "fixed".
        return (ConformanceExpectations.Load(expectationsPath).Check(results), results);
    }
}
