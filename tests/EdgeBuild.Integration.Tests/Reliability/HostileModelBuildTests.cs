using System.Text.RegularExpressions;
using EdgeBuild.Cli.Tests.Reliability;
using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeBuild.Integration.Tests.Reliability;

/// <summary>
/// Hostile models through a real `dotnet build` of consumer projects against the packed package: the CLI fuzzer's
/// mutations (linked from EdgeBuild.Cli.Tests) of the real classifier, one project per mutant (the optimize target
/// batches per model and stops at the first failing one), all built by one `dotnet build` of a solution, so the task,
/// the tool it starts and the generator all meet them. Every mutant must build, or fail with exactly one documented
/// EDGE error naming its model and leave no optimized model or manifest behind, or (the tool accepted it) get
/// documented EDGEGEN errors on its manifest. Never an MSBuild task crash, EDGE0299, a stack trace or ORT's own text.
/// Default: a fixed pick of 16 structural and 4 byte mutations; EDGEBUILD_MSBUILD_FUZZ_ALL=1 takes every kind.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class HostileModelBuildTests(PackageFeedFixture feed, ITestOutputHelper output)
{
    private const int Seed = 20261123;

    /// <summary>One per family: loading limits, tensor data, external data (the task reads those locations itself), graph shape, attributes, opsets.</summary>
    private static readonly string[] DefaultStructural =
    [
        "dims-product-overflows", "negative-dim", "input-huge-dim", "raw-data-too-short", "invalid-data-type",
        "external-huge-offset", "external-missing-file", "external-dotdot", "external-nul", "cyclic-graph",
        "dangling-input", "duplicate-node-names", "deep-subgraph-nesting", "attribute-type-mismatch",
        "opset-from-the-future", "unknown-operator",
    ];

    private static readonly string[] DefaultBytes = ["truncate", "bitflip", "varint-max", "splice"];

    private sealed record Mutant(int Index, HostileInput Input, ConsumerProject Project, string ModelPath);

    [Fact]
    public void Hostile_models_in_dotnet_build_get_one_documented_error_each_and_leave_no_outputs()
    {
        var all = Environment.GetEnvironmentVariable("EDGEBUILD_MSBUILD_FUZZ_ALL") == "1";
        var root = Path.Combine(feed.Work, "hostile-" + Guid.NewGuid().ToString("N")[..6]);
        var mutants = Inputs(all).Select((input, i) => Consumer(root, i, input)).ToList();
        var solution = Path.Combine(root, "Hostile.slnx");
        File.WriteAllText(solution, "<Solution>\n" + string.Concat(mutants.Select(m => $"  <Project Path=\"{m.Project.Name}/{m.Project.Name}.csproj\" />\n")) + "</Solution>\n");

        var errorsLog = Path.Combine(root, "errors.log");
        var result = Dotnet.Run(root, ["build", solution, "-nologo", "-v:n", "-clp:NoSummary", $"-flp1:LogFile={errorsLog};ErrorsOnly;DisableMPLogging"],
            feed.Environment, TimeSpan.FromMinutes(all ? 20 : 8)); // a hang throws TimeoutException: the test fails
        var errors = File.Exists(errorsLog) ? File.ReadAllLines(errorsLog).Where(l => l.Length > 0).ToList() : [];

        var documented = DocumentedCodes();
        var findings = new List<string>();
        var codes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var verdicts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int crashes = 0, partial = 0;
        foreach (var m in mutants)
        {
            var mine = errors.Where(e => e.TrimEnd().EndsWith($"[{m.Project.ProjectFile}]", StringComparison.Ordinal)).ToList();
            var lineCodes = mine.Select(e => ErrorCode().Match(e) is { Success: true } c ? c.Groups[1].Value : "?").ToList();
            foreach (var code in lineCodes) codes[code] = codes.GetValueOrDefault(code) + 1;
            var leftovers = Outputs(m.Project);
            var problems = new List<string>();
            if (!File.ReadAllBytes(m.ModelPath).AsSpan().SequenceEqual(m.Input.ModelBytes)) problems.Add("source model modified");
            if (lineCodes.Any(c => !c.StartsWith("EDGE", StringComparison.Ordinal) || c == "EDGE0299")) { crashes++; problems.Add("crash: " + string.Join(",", lineCodes)); }
            problems.AddRange(lineCodes.Where(c => !documented.Contains(c)).Select(c => $"{c} is not a documented EDGE code (docs/diagnostics.md)"));

            string verdict;
            if (mine.Count == 0)
            {
                verdict = "built";
                if (!File.Exists(Path.Combine(m.Project.BinDirectory, "Model.onnx"))) problems.Add("no error, but no optimized model in bin/");
            }
            else if (lineCodes.All(c => c.StartsWith("EDGEGEN", StringComparison.Ordinal)))
            {
                // The tool accepted the mutant (its outputs are complete); the generator refuses the manifest, one error
                // per problem (e.g. each symbolic dim without a value, after a bit flip renamed the item's Dims).
                verdict = "rejected-by-generator";
                var manifest = Path.Combine(m.Project.EdgeBuildObjDirectory, "Model.edgemodel.json");
                if (mine.Any(e => !e.Contains(manifest, StringComparison.Ordinal))) problems.Add("a generator error does not point at the item's manifest");
            }
            else
            {
                verdict = "rejected";
                if (mine.Count > 1) problems.Add($"{mine.Count} errors for one item");
                if (!mine[0].Contains(Path.Combine("models", "model.onnx"), StringComparison.Ordinal)) problems.Add("the model path is not named");
                if (leftovers.Count > 0) { problems.Add("outputs left: " + string.Join(", ", leftovers)); partial++; }
            }

            verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
            output.WriteLine($"{m.Project.Name}: {verdict} {string.Join(",", lineCodes)} {m.Input.Name}");
            if (problems.Count > 0) findings.Add($"{m.Input.Name}: {string.Join("; ", problems)}\n    " + string.Join("\n    ", mine));
        }

        findings.AddRange(errors.Where(e => !mutants.Any(m => e.TrimEnd().EndsWith($"[{m.Project.ProjectFile}]", StringComparison.Ordinal))).Select(e => "error of no mutant's project: " + e));
        var log = result.Output;
        foreach (var (what, pattern) in LogRules)
            if (pattern.Match(log) is { Success: true } hit) findings.Add($"{what} in the build log: {hit.Value.Trim()}");

        ReliabilityFigures.Record(output, all ? "fuzz-msbuild-all" : "fuzz-msbuild", new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["seed"] = Seed,
            ["inputs"] = mutants.Count,
            ["builds"] = 1,
            ["built"] = verdicts.GetValueOrDefault("built"),
            ["rejected"] = verdicts.GetValueOrDefault("rejected"),
            ["rejectedByGenerator"] = verdicts.GetValueOrDefault("rejected-by-generator"),
            ["errorsByCode"] = string.Join(", ", codes.Select(c => $"{c.Key}: {c.Value}")),
            ["crashes"] = crashes,
            ["hangs"] = 0,
            ["partialOutputs"] = partial,
            ["findings"] = findings.Count,
            ["seconds"] = Math.Round(result.Elapsed.TotalSeconds, 1),
        });
        foreach (var f in findings) output.WriteLine("FINDING " + f);

        var rejected = verdicts.GetValueOrDefault("rejected");
        Assert.True(rejected > mutants.Count / 2, $"only {rejected} of {mutants.Count} mutants rejected: the mutations are not reaching the checks");
        Assert.True(findings.Count == 0, $"{findings.Count} findings:\n{string.Join("\n", findings)}\n{CommandResult.Tail(log, 4000)}");
        Assert.Equal(verdicts.GetValueOrDefault("built") == mutants.Count, result.ExitCode == 0);
    }

    /// <summary>Mutants of the real direction classifier with a fixed seed: the same inputs every run.</summary>
    private static IEnumerable<HostileInput> Inputs(bool all)
    {
        var rng = new Random(Seed);
        var seed = SeedModels.Get("classifier");
        foreach (var (name, apply) in StructuralMutations.All.Where(m => all || DefaultStructural.Contains(m.Name)))
        {
            var model = seed.Parse();
            var side = new Dictionary<string, byte[]>(seed.SideFiles);
            if (apply(model, rng, side) is { } detail) yield return new HostileInput($"classifier/{name}/{detail}", "structure:" + name, model.ToByteArray(), side);
        }

        foreach (var kind in all ? ByteMutations.Kinds : DefaultBytes)
        {
            var bytes = ByteMutations.Apply(kind, seed.Bytes, SeedModels.Get("detector").Bytes, rng, out var detail);
            yield return new HostileInput($"classifier/{kind}/{detail}", "bytes:" + kind, bytes, seed.SideFiles);
        }
    }

    private Mutant Consumer(string root, int index, HostileInput input)
    {
        var project = new ConsumerProject(feed, $"Hostile{index:D2}", root);
        var model = input.WriteTo(Path.Combine(project.Directory, "models"));
        // The classifier's Dims (as in ReliableBuildTests), so an unharmed mutant builds all the way through the generator.
        project.ItemXml = """    <EdgeModel Include="models/model.onnx" TargetDevice="rpi5" Precision="none" Dims="N=1;H=48;W=192" />""";
        project.WriteProject();
        return new Mutant(index, input, project, model);
    }

    /// <summary>Optimized models, manifests and temporaries anywhere under obj/ and bin/ (the result cache included).</summary>
    private static List<string> Outputs(ConsumerProject project) =>
        new[] { "obj", "bin" }.Select(d => Path.Combine(project.Directory, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".edgemodel.json", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(project.Directory, f)).ToList();

    private static HashSet<string> DocumentedCodes() =>
        [.. DocumentedCode().Matches(File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "docs", "diagnostics.md"))).Select(m => m.Value)];

    /// <summary>What must never reach a user's build log, whatever the model.</summary>
    private static readonly (string What, Regex Pattern)[] LogRules =
    [
        ("task crash", new Regex(@"\b(MSB4018|MSB4181|MSB6006|MSB4166|MSB4213)\b", RegexOptions.CultureInvariant)),
        ("internal error", new Regex(@"\bEDGE0299\b", RegexOptions.CultureInvariant)),
        ("stack trace", new Regex(@"(^\s+at [\w.`<>\[\],]+\(.*\)|Unhandled exception|--- End of (inner exception )?stack trace)", RegexOptions.Multiline | RegexOptions.CultureInvariant)),
        ("native ONNX Runtime log line", new Regex(@"\[[VIWEF]:onnxruntime:", RegexOptions.CultureInvariant)),
        ("ONNX Runtime C++ source text", new Regex(@"onnxruntime_src|onnxruntime::", RegexOptions.CultureInvariant)),
    ];

    [GeneratedRegex(@":\s*error\s+([A-Za-z]+\d+)\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCode();

    [GeneratedRegex(@"EDGE(?:GEN)?\d{3,4}", RegexOptions.CultureInvariant)]
    private static partial Regex DocumentedCode();
}
