using System.CommandLine;
using System.Globalization;
using EdgeBuild.Optimization;
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
        var preprocess = CliOptions.Preprocess();
        var json = CliOptions.Json();
        var command = new Command("verify", "Compare a candidate model's outputs with the original's (SQNR, max error, cosine, top-1)")
        {
            original, candidate, data, target, profile, minSqnr, preprocess, json,
        };
        command.SetAction(r => Run(r.GetValue(original)!, r.GetValue(candidate)!, r.GetValue(data)!, r.GetValue(target), r.GetValue(profile),
            r.GetValue(minSqnr), r.GetValue(preprocess), r.GetValue(json), console));
        return command;
    }

    private static int Run(string originalPath, string candidatePath, string data, string? targetId, string? profileFile, double? minSqnr,
        string? preprocess, bool json, CliConsole console)
    {
        var (stdout, stderr) = (console.Stdout, console.Stderr);
        return OptimizationErrors.Run(candidatePath, stderr, () =>
        {
            var target = TargetOption.Resolve(targetId, profileFile);
            var original = ModelFiles.Load(originalPath);
            var candidate = ModelFiles.Load(candidatePath);
            var samples = SampleOptions.Open(data, preprocess, original);
            IReadOnlyList<OutputComparison> results;
            using (var progress = console.Progress(Path.GetFileName(candidatePath)))
            {
                results = ModelVerifier.Compare(original.ToByteArray(), candidate.ToByteArray(), samples, target, progress);
            }

            var failing = minSqnr is { } min ? results.Where(r => !(r.SqnrDb >= min)).ToList() : [];

            if (json)
            {
                stdout.WriteLine(ResultJson.Serialize(new
                {
                    samples = samples.Count,
                    outputs = results.Select(r => new { name = r.Name, sqnrDb = Finite(r.SqnrDb), worstSampleSqnrDb = Finite(r.WorstSampleSqnrDb), maxAbsError = r.MaxAbsError, cosine = r.Cosine, top1Agreement = r.Top1Agreement }),
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
                }
            }

            foreach (var r in failing)
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{candidatePath}: error EDGE0201: output '{r.Name}' has SQNR {r.SqnrDb:F2} dB, below the required {minSqnr} dB. Re-optimize with more calibration data or exclude the most sensitive nodes (--exclude-nodes)."));
            return failing.Count == 0 ? ExitCodes.Ok : ExitCodes.FailedCheck;
        });
    }

    /// <summary>JSON has no Infinity: an exact match reports null.</summary>
    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
