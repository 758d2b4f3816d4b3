using System.Globalization;
using EdgeBuild.Optimization;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild verify`: how far a candidate model's outputs are from the original's, per output.</summary>
public sealed class VerifyCommand : ICommand
{
    public string Name => "verify";

    public string Summary => "Compare a candidate model's outputs with the original's (SQNR, max error, cosine, top-1)";

    public string Usage => """
        Usage: edgebuild verify ORIGINAL CANDIDATE --data GLOB [options]

          --data GLOB            samples (.npy, .pb, images; glob or folder)
          --target ID            run the candidate with the target's ORT settings
          --profile FILE         a custom profile JSON instead of (or extending) --target
          --min-sqnr DB          fail (exit code 1) when an output's SQNR is below this
          --accuracy SPEC        task metrics per output, e.g. "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%"
                                 (sqnr, cosine, maxabs, top1, argmax(blank=K), agreement@T(eps=E); docs/accuracy.md);
                                 fail (exit code 1) when one misses; outputs it does not name: --min-sqnr
        """ + SampleOptions.Usage + """
          --json                 print the result as JSON on stdout
        """;

    public int Run(CommandArguments args, TextWriter stdout, TextWriter stderr)
    {
        var originalPath = args.Positional(0, "ORIGINAL");
        var candidatePath = args.Positional(1, "CANDIDATE");
        var data = args.RequiredOption("data");
        var targetId = args.Option("target");
        var profileFile = args.Option("profile");
        var minSqnr = args.DoubleOption("min-sqnr");
        var preprocess = args.Option("preprocess");
        var accuracySpec = args.Option("accuracy");
        var json = args.Flag("json");
        args.ThrowOnUnused(expectedPositionals: 2);
        IReadOnlyList<AccuracyRequirement> requirements;
        try
        {
            requirements = AccuracyMetrics.Parse(accuracySpec);
        }
        catch (AccuracySpecException e)
        {
            throw new UsageException($"option --accuracy: {e.Message}");
        }

        return OptimizationErrors.Run(candidatePath, stderr, () =>
        {
            var target = TargetOption.Resolve(targetId, profileFile);
            var original = ModelFiles.Load(originalPath);
            var candidate = ModelFiles.Load(candidatePath);
            var samples = SampleOptions.Open(data, preprocess, original);
            // Without --min-sqnr nor --accuracy nothing is checked: the default SQNR budget then only reports.
            var checking = minSqnr is not null || requirements.Count > 0;
            var budget = new AccuracyBudget(minSqnr ?? EdgeBuild.Optimization.Planning.OptimizationPlanner.DefaultMinSqnrDb, requirements);
            var results = budget.Compare(original.ToByteArray(), candidate.ToByteArray(), samples, target);
            budget.CheckOutputs(results.Select(r => r.Name).ToList(), candidatePath);
            var metrics = results.ToDictionary(r => r.Name, r => minSqnr is null && requirements.Count > 0 && !requirements.Any(q => q.Output == r.Name || q.Output == "*") ? [] : budget.Results(r));
            var failing = checking ? metrics.Values.SelectMany(m => m).Where(m => !m.Holds).ToList() : [];

            if (json)
            {
                stdout.WriteLine(ResultJson.Serialize(new
                {
                    samples = samples.Count,
                    outputs = results.Select(r => new { name = r.Name, sqnrDb = Finite(r.SqnrDb), worstSampleSqnrDb = Finite(r.WorstSampleSqnrDb), maxAbsError = r.MaxAbsError, cosine = r.Cosine, top1Agreement = r.Top1Agreement,
                        metrics = metrics[r.Name].Select(m => new { metric = m.Requirement.Metric(), value = Finite(m.Value), budget = (m.Requirement.Info.HigherIsBetter ? ">= " : "<= ") + AccuracyMetrics.FormatValue(m.Requirement.Kind, m.Requirement.Threshold), holds = m.Holds }) }),
                    passed = failing.Count == 0,
                }));
            }
            else
            {
                stdout.WriteLine($"{samples.Count} samples from {data}");
                foreach (var r in results)
                {
                    var top1 = r.Top1Agreement is { } t ? string.Create(CultureInfo.InvariantCulture, $", top-1 agreement {t:P1}") : "";
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Name}: SQNR {r.SqnrDb:F2} dB (worst sample {r.WorstSampleSqnrDb:F2}), max |error| {r.MaxAbsError:G4}, cosine {r.Cosine:F6}{top1}"));
                    if (checking)
                    {
                        foreach (var m in metrics[r.Name]) stdout.WriteLine($"    {m}");
                    }
                }
            }

            foreach (var m in failing)
                stderr.WriteLine($"{candidatePath}: error EDGE0201: {m}. Re-optimize with more calibration data, exclude the most sensitive nodes (--exclude-nodes), or relax the budget.");
            return failing.Count == 0 ? ExitCodes.Ok : ExitCodes.FailedCheck;
        });
    }

    /// <summary>JSON has no Infinity: an exact match reports null.</summary>
    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
