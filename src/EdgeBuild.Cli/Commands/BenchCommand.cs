using System.CommandLine;
using System.Globalization;
using EdgeBuild.Optimization;
using EdgeBuild.Optimization.Benchmarking;
using EdgeBuild.Optimization.Runtime;
using Google.Protobuf;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild bench`: latency of B relative to A, interleaved, as a median per-pair ratio.</summary>
public sealed class BenchCommand : ICommand
{
    public string Name => "bench";

    public Command Create(CliConsole console)
    {
        var a = CliOptions.File("A", "the baseline model");
        var b = CliOptions.File("B", "the model timed relative to A");
        var data = CliOptions.Data("inputs to time (.npy, .pb, images); the first --samples are used");
        var target = CliOptions.Target("run B with the target's ORT settings (e.g. int8 fusion rules of ARM)");
        var profile = CliOptions.Profile("a custom profile JSON instead of (or extending) --target");
        var threads = CliOptions.Number<int>("--threads", "N", "intra-op threads for both (default: ORT's choice)");
        var iterations = CliOptions.Number<int>("--iterations", "N", "timed rounds over the samples");
        iterations.DefaultValueFactory = _ => 20;
        var samples = CliOptions.Number<int>("--samples", "N", "how many samples to time");
        samples.DefaultValueFactory = _ => 4;
        var opProfile = CliOptions.Flag("--op-profile", "also print per-operator-type time of A and B from ORT's profiler");
        var twin = CliOptions.Flag("--u8s8-twin", "time B as its U8S8 twin (activation zero points +128, same values) with this host's settings: how an S8S8 ARM file (rpi5) is timed on x64, docs/optimization.md");
        var preprocess = CliOptions.Preprocess();
        var json = CliOptions.Json();
        var command = new Command("bench", "Measure model B's latency relative to model A (interleaved, median per-pair ratio)")
        {
            a, b, data, target, profile, threads, iterations, samples, opProfile, twin, preprocess, json,
        };
        command.SetAction(r => Run(r.GetValue(a)!, r.GetValue(b)!, r.GetValue(data)!, r.GetValue(target), r.GetValue(profile), r.GetValue(threads),
            r.GetValue(iterations) ?? 20, r.GetValue(samples) ?? 4, r.GetValue(preprocess), r.GetValue(opProfile), r.GetValue(twin), r.GetValue(json), console));
        return command;
    }

    private static int Run(string pathA, string pathB, string data, string? targetId, string? profileFile, int? threads, int iterations,
        int sampleCount, string? preprocess, bool profile, bool asTwin, bool json, CliConsole console)
    {
        var (stdout, stderr) = (console.Stdout, console.Stderr);
        return OptimizationErrors.Run(pathB, stderr, () =>
        {
            var target = TargetOption.Resolve(targetId, profileFile);
            var a = ModelFiles.Load(pathA);
            var b = ModelFiles.Load(pathB);
            var source = SampleOptions.Open(data, preprocess, a);
            var samples = source.Read().Take(Math.Max(1, sampleCount)).ToList();
            var bytesA = a.ToByteArray();
            // The twin runs with the host's own settings (no forced int8 fusion): the U8S8 kernels an x64 device would pick.
            var targetB = asTwin ? null : target;
            var bytesB = (asTwin ? UnsignedActivationTwin.Of(b) : b).ToByteArray();
            var result = PairedBenchmark.Run(bytesA, bytesB, samples, () => Sessions.Options(null, threads), () => Sessions.Options(targetB, threads), iterations);

            OpTimeProfile? profileA = null, profileB = null;
            if (profile)
            {
                var feed = samples[0].Inputs.Select(i => (i.Name, Value: OrtTensors.ToOrtValue(i.Tensor))).ToList();
                try
                {
                    profileA = OpTimeProfile.Measure(bytesA, () => Sessions.Options(null, threads), feed, 5);
                    profileB = OpTimeProfile.Measure(bytesB, () => Sessions.Options(targetB, threads), feed, 5);
                }
                finally
                {
                    foreach (var f in feed) f.Value.Dispose();
                }
            }

            if (json)
            {
                stdout.WriteLine(ResultJson.Serialize(new { medianMsA = result.MedianMsA, medianMsB = result.MedianMsB, medianRatio = result.MedianRatio, pairs = result.Pairs, profileA = profileA?.ByOpType, profileB = profileB?.ByOpType, nodesA = profileA?.ByNode, nodesB = profileB?.ByNode }));
                return ExitCodes.Ok;
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A {pathA}: median {result.MedianMsA:F2} ms"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"B {pathB}{(asTwin ? " (its U8S8 twin)" : "")}: median {result.MedianMsB:F2} ms"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median per-pair ratio B/A: {result.MedianRatio:F3} over {result.Pairs} pairs"));
            if (profileA is not null && profileB is not null)
            {
                stdout.WriteLine("time per operator type (share of kernel time):");
                var ops = profileA.ByOpType.Select(o => o.OpType).Union(profileB.ByOpType.Select(o => o.OpType)).ToList();
                foreach (var op in ops)
                {
                    var ta = profileA.ByOpType.FirstOrDefault(o => o.OpType == op);
                    var tb = profileB.ByOpType.FirstOrDefault(o => o.OpType == op);
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {op,-28} A {(ta?.Microseconds ?? 0) / 1000.0 / (profileA.Runs + 1),8:F2} ms {(ta?.Share ?? 0),6:P1}   B {(tb?.Microseconds ?? 0) / 1000.0 / (profileB.Runs + 1),8:F2} ms {(tb?.Share ?? 0),6:P1}"));
                }
            }

            return ExitCodes.Ok;
        });
    }
}
