using System.Globalization;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Benchmarks.Calibration;

/// <summary>
/// `dotnet run -c Release --project tests/EdgeBuild.Benchmarks -- calibration-memory [MODEL] [SIDE]`: peak RSS of
/// calibrating every node output of MODEL (default: the PP-OCRv4 detector) on 16 and on 256 random SIDE×SIDE
/// (default 320) .npy samples, MinMax and Entropy (which adds the streamed histogram pass), each in a fresh child
/// process, two interleaved rounds. Prints one line per run and the 256/16 ratio per method (acceptance: ≤ 1.2).
/// </summary>
public static class CalibrationMemoryBenchmark
{
    public static int Run(string[] args)
    {
        var model = args.Length > 0 ? args[0] : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgebuild", "assets", "models", "ch_PP-OCRv4_det_infer.onnx");
        var side = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 320;
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgebuild-bench", "calibration-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            var shape = new long[] { 1, 3, side, side };
            var random = new Random(1);
            var values = new float[3 * side * side];
            for (var i = 0; i < 256; i++)
            {
                for (var j = 0; j < values.Length; j++) values[j] = (float)(random.NextDouble() * 2 - 1);
                Npy.Write(Path.Combine(folder, $"sample_{i:D3}.npy"), values, shape);
            }

            var glob = Path.Combine(folder, "*.npy");
            Console.WriteLine($"model {Path.GetFileName(model)}, samples [1, 3, {side}, {side}], {Environment.ProcessorCount} cores");
            var results = new List<CalibrationMemory.Measurement>();
            for (var round = 0; round < 2; round++)
            {
                foreach (var method in new[] { CalibrationMethod.MinMax, CalibrationMethod.Entropy })
                {
                    foreach (var count in new[] { 16, 256 })
                    {
                        var m = CalibrationMemory.Measure(model, glob, count, method);
                        results.Add(m);
                        Console.WriteLine($"  {method,-8} {m.Samples,4} samples: peak RSS {m.PeakRssKb / 1024.0,7:F1} MB, {m.Tensors} tensors, {m.Elapsed.TotalSeconds:F1} s");
                    }
                }
            }

            foreach (var group in results.GroupBy(r => r.Method))
            {
                // Conservative: the largest 256-sample peak over the smallest 16-sample peak.
                var small = group.Where(r => r.Samples == 16).Min(r => r.PeakRssKb);
                var large = group.Where(r => r.Samples == 256).Max(r => r.PeakRssKb);
                Console.WriteLine($"{group.Key}: peak RSS 256 / 16 samples = {large / 1024.0:F1} / {small / 1024.0:F1} MB = {(double)large / small:F3} (largest / smallest)");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
