using System.Diagnostics;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Benchmarking;

/// <summary>
/// Latency of model B relative to model A, measured interleaved (A, B, B, A, A, B ...) on the same inputs in
/// the same process so drift in machine load hits both equally. The result is the median of the
/// per-pair ratios B/A, which is robust to the noisy neighbours of a shared machine.
/// </summary>
public static class PairedBenchmark
{
    public static BenchmarkResult Run(byte[] modelA, byte[] modelB, IReadOnlyList<Sample> samples, Func<SessionOptions> optionsA, Func<SessionOptions> optionsB, int iterations, int warmup = 2)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples to benchmark with", nameof(samples));
        using var soA = optionsA();
        using var soB = optionsB();
        using var a = new InferenceSession(modelA, soA);
        using var b = new InferenceSession(modelB, soB);
        var outA = a.OutputMetadata.Keys.ToList();
        var outB = b.OutputMetadata.Keys.ToList();
        var fed = samples.Select(s => (Names: s.Inputs.Select(i => i.Name).ToList(), Values: s.Inputs.Select(i => OrtTensors.ToOrtValue(i.Tensor)).ToList())).ToList();
        try
        {
            using var runOptions = new RunOptions();
            double Time(InferenceSession session, List<string> outputs, (List<string> Names, List<OrtValue> Values) feed)
            {
                var start = Stopwatch.GetTimestamp();
                using var _ = session.Run(runOptions, feed.Names, feed.Values, outputs);
                return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            for (var i = 0; i < warmup; i++)
            {
                foreach (var f in fed)
                {
                    Time(a, outA, f);
                    Time(b, outB, f);
                }
            }

            var latA = new List<double>();
            var latB = new List<double>();
            var ratios = new List<double>();
            for (var i = 0; i < iterations; i++)
            {
                foreach (var f in fed)
                {
                    double ta, tb;
                    if ((i & 1) == 0)
                    {
                        ta = Time(a, outA, f);
                        tb = Time(b, outB, f);
                    }
                    else
                    {
                        tb = Time(b, outB, f);
                        ta = Time(a, outA, f);
                    }

                    latA.Add(ta);
                    latB.Add(tb);
                    ratios.Add(tb / ta);
                }
            }

            return new BenchmarkResult(Median(latA), Median(latB), Median(ratios), ratios.Count);
        }
        finally
        {
            foreach (var f in fed)
            {
                foreach (var v in f.Values) v.Dispose();
            }
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

/// <summary>Median latencies (ms) and the median per-pair ratio B/A over <see cref="Pairs"/> interleaved pairs.</summary>
public sealed record BenchmarkResult(double MedianMsA, double MedianMsB, double MedianRatio, int Pairs);
