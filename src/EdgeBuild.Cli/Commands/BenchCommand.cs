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

    public string Summary => "Measure model B's latency relative to model A (interleaved, median per-pair ratio)";

    public string Usage => """
        Usage: edgebuild bench A B --data GLOB [options]

          --data GLOB            inputs to time (.npy, .pb, images); the first --samples are used
          --target ID            run B with the target's ORT settings (e.g. int8 fusion rules of ARM)
          --profile FILE         a custom profile JSON instead of (or extending) --target
          --threads N            intra-op threads for both (default: ORT's choice)
          --iterations N         timed rounds over the samples (default 20)
          --samples N            how many samples to time (default 4)
          --op-profile           also print per-operator-type time of A and B from ORT's profiler
        """ + SampleOptions.Usage + """
          --json                 print the result as JSON on stdout
        """;

    public int Run(CommandArguments args, TextWriter stdout, TextWriter stderr)
    {
        var pathA = args.Positional(0, "A");
        var pathB = args.Positional(1, "B");
        var data = args.RequiredOption("data");
        var targetId = args.Option("target");
        var profileFile = args.Option("profile");
        var threads = (int?)args.DoubleOption("threads");
        var iterations = (int?)args.DoubleOption("iterations") ?? 20;
        var sampleCount = (int?)args.DoubleOption("samples") ?? 4;
        var preprocess = args.Option("preprocess");
        var profile = args.Flag("op-profile");
        var json = args.Flag("json");
        args.ThrowOnUnused(expectedPositionals: 2);

        return OptimizationErrors.Run(pathB, stderr, () =>
        {
            var target = TargetOption.Resolve(targetId, profileFile);
            var a = ModelFiles.Load(pathA);
            var b = ModelFiles.Load(pathB);
            var source = SampleOptions.Open(data, preprocess, a);
            var samples = source.Read().Take(Math.Max(1, sampleCount)).ToList();
            var bytesA = a.ToByteArray();
            var bytesB = b.ToByteArray();
            var result = PairedBenchmark.Run(bytesA, bytesB, samples, () => Sessions.Options(null, threads), () => Sessions.Options(target, threads), iterations);

            OpTimeProfile? profileA = null, profileB = null;
            if (profile)
            {
                var feed = samples[0].Inputs.Select(i => (i.Name, Value: OrtTensors.ToOrtValue(i.Tensor))).ToList();
                try
                {
                    profileA = OpTimeProfile.Measure(bytesA, () => Sessions.Options(null, threads), feed, 5);
                    profileB = OpTimeProfile.Measure(bytesB, () => Sessions.Options(target, threads), feed, 5);
                }
                finally
                {
                    foreach (var f in feed) f.Value.Dispose();
                }
            }

            if (json)
            {
                stdout.WriteLine(ResultJson.Serialize(new { medianMsA = result.MedianMsA, medianMsB = result.MedianMsB, medianRatio = result.MedianRatio, pairs = result.Pairs, profileA = profileA?.ByOpType, profileB = profileB?.ByOpType }));
                return ExitCodes.Ok;
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A {pathA}: median {result.MedianMsA:F2} ms"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"B {pathB}: median {result.MedianMsB:F2} ms"));
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
