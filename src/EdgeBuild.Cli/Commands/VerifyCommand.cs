using System.CommandLine;
using System.Globalization;
using EdgeBuild.Optimization;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild verify`: how far a candidate model's outputs are from the original's, per output.</summary>
public sealed class VerifyCommand : ICommand
{
    public string Name => "verify";

    public Command Create(CliConsole console)
    {
        var original = CliOptions.File("ORIGINAL", "the reference model");
        var candidate = CliOptions.File("CANDIDATE", "the model to check, e.g. the optimized one");
        var data = CliOptions.Data("samples (.npy, .pb, images; glob or folder)");
        var target = CliOptions.Target("run the candidate with the target's ORT settings");
        var profile = CliOptions.Profile("a custom profile JSON instead of (or extending) --target");
        var minSqnr = CliOptions.Number<double>("--min-sqnr", "DB", "fail (exit code 1) when an output's SQNR is below this");
        var accuracy = CliOptions.Accuracy("task metrics per output, e.g. \"sigmoid_0.tmp_0: agreement@0.3 >= 99.5%\" "
            + "(sqnr, cosine, maxabs, top1, argmax(blank=K), agreement@T(eps=E), iou@T, ctc(blank=K); docs/accuracy.md); fail (exit code 1) when one misses; outputs it does not name: --min-sqnr");
        var preprocess = CliOptions.Preprocess();
        var json = CliOptions.Json();
        var command = new Command("verify", "Compare a candidate model's outputs with the original's (SQNR, max error, cosine, top-1, task metrics)")
        {
            original, candidate, data, target, profile, minSqnr, accuracy, preprocess, json,
        };
        command.SetAction(r => Run(r.GetValue(original)!, r.GetValue(candidate)!, r.GetValue(data)!, r.GetValue(target), r.GetValue(profile),
            r.GetValue(minSqnr), r.GetValue(accuracy), r.GetValue(preprocess), r.GetValue(json), console));
        return command;
    }

    private static int Run(string originalPath, string candidatePath, string data, string? targetId, string? profileFile, double? minSqnr,
        string? accuracySpec, string? preprocess, bool json, CliConsole console)
    {
        var (stdout, stderr) = (console.Stdout, console.Stderr);
        return OptimizationErrors.Run(candidatePath, stderr, () =>
        {
            var target = TargetOption.Resolve(targetId, profileFile);
            var original = ModelFiles.Load(originalPath);
            var candidate = ModelFiles.Load(candidatePath);
            var samples = SampleOptions.Open(data, preprocess, original);
            // The optimizer's own budget object judges here too. Without --min-sqnr nor --accuracy nothing is checked:
            // the default SQNR budget then only reports.
            var budget = AccuracyBudget.From(minSqnr ?? OptimizationPlanner.DefaultMinSqnrDb, accuracySpec, candidatePath);
            var checking = minSqnr is not null || budget.Requirements.Count > 0;
            IReadOnlyList<OutputComparison> results;
            using (var progress = console.Progress(Path.GetFileName(candidatePath)))
            {
                results = budget.Compare(original.ToByteArray(), candidate.ToByteArray(), samples, target, ranges: null, progress);
            }

            budget.CheckOutputs(results.Select(r => r.Name).ToList(), candidatePath);
            // With only --accuracy, outputs it does not name are reported, not judged by a default nobody asked for.
            var metrics = results.ToDictionary(r => r.Name, r => minSqnr is null && !budget.Names(r.Name) ? [] : budget.Results(r));
            var failing = checking ? metrics.Values.SelectMany(m => m).Where(m => !m.Holds).ToList() : [];

            if (json)
            {
                stdout.WriteLine(ResultJson.Serialize(new
                {
                    samples = samples.Count,
                    outputs = results.Select(r => new
                    {
                        name = r.Name, sqnrDb = Finite(r.SqnrDb), worstSampleSqnrDb = Finite(r.WorstSampleSqnrDb), maxAbsError = r.MaxAbsError, cosine = r.Cosine, top1Agreement = r.Top1Agreement,
                        metrics = metrics[r.Name].Select(m => new { metric = m.Requirement.Metric(), value = Finite(m.Value), budget = m.Budget, holds = m.Holds }),
                    }),
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
