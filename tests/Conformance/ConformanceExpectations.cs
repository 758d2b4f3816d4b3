using System.Text;

namespace EdgeBuild.Tests.Conformance;

/// <summary>
/// The committed list of backend-test cases ONNX Runtime cannot run (tests/Conformance/ort-expectations.txt:
/// "suite/name &lt;TAB&gt; reason"). A failing case not on the list is a regression; a listed case that now
/// passes must be removed from the list, so the list never hides anything.
/// </summary>
public sealed class ConformanceExpectations
{
    private ConformanceExpectations(IReadOnlyDictionary<string, string> knownFailures) => KnownFailures = knownFailures;

    public IReadOnlyDictionary<string, string> KnownFailures { get; }

    public static string DefaultPath(string repoRoot) => Path.Combine(repoRoot, "tests", "Conformance", "ort-expectations.txt");

    public static ConformanceExpectations Load(string path)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var tab = line.IndexOf('\t');
            known[tab < 0 ? line : line[..tab]] = tab < 0 ? "" : line[(tab + 1)..];
        }

        return new ConformanceExpectations(known);
    }

    /// <summary>The expectations file that matches <paramref name="results"/> (to regenerate it deliberately).</summary>
    public static string Format(IEnumerable<CaseResult> results)
    {
        var text = new StringBuilder();
        text.Append("# Backend-test cases ONNX Runtime (the version in Directory.Packages.props) cannot run on models saved by\n");
        text.Append("# EdgeBuild.Onnx, with the reason. Regenerate with EDGEBUILD_UPDATE_CONFORMANCE=1 (then review the diff).\n");
        foreach (var r in results.Where(r => r.Status == CaseStatus.Failed).OrderBy(r => r.Id, StringComparer.Ordinal))
            text.Append(r.Id).Append('\t').Append(r.Reason).Append(": ").Append(r.Detail.ReplaceLineEndings(" ")).Append('\n');
        return text.ToString();
    }

    /// <summary>Counts for the test output, and the problems that must fail the test.</summary>
    public ConformanceReport Check(IReadOnlyList<CaseResult> results)
    {
        var problems = new List<string>();
        foreach (var r in results)
        {
            if (r.Status == CaseStatus.Failed && !KnownFailures.ContainsKey(r.Id))
                problems.Add($"regression: {r.Id} {r.Reason}: {r.Detail}");
            if (r.Status == CaseStatus.Passed && KnownFailures.ContainsKey(r.Id))
                problems.Add($"fixed: {r.Id} now passes; remove it from the expectations file");
        }

        var summary = new StringBuilder();
        summary.Append($"{results.Count} cases: {results.Count(r => r.Status == CaseStatus.Passed)} passed, ")
            .Append($"{results.Count(r => r.Status == CaseStatus.Skipped)} skipped, ")
            .Append($"{results.Count(r => r.Status == CaseStatus.Failed)} failed ")
            .Append($"({results.Count(r => r.Status == CaseStatus.Failed && KnownFailures.ContainsKey(r.Id))} expected)\n");
        foreach (var group in results.Where(r => r.Status != CaseStatus.Passed).GroupBy(r => (r.Status, r.Reason)).OrderBy(g => g.Key.Status).ThenByDescending(g => g.Count()))
            summary.Append($"  {group.Key.Status.ToString().ToLowerInvariant()}: {group.Key.Reason}: {group.Count()}\n");
        return new ConformanceReport(summary.ToString(), problems);
    }
}

public sealed record ConformanceReport(string Summary, IReadOnlyList<string> Problems);
