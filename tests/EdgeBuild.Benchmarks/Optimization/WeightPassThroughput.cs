using System.Diagnostics;
using System.Globalization;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Quantization;
using Google.Protobuf;

namespace EdgeBuild.Benchmarks.Optimization;

/// <summary>
/// `dotnet run -c Release --project tests/EdgeBuild.Benchmarks -- weight-passes [ROUNDS]`: throughput of the passes
/// that touch every weight byte, on a synthesized ~200 MB model (8 MatMul 2048×2048 and 8 Conv 512×512×3×3 +
/// BatchNormalization + Relu). Acceptance 6: ≥ 150 MB/s (MB = 10^6 bytes of the float model's file).
/// Measured: the cleanup pipeline (BN folding rewrites 75 MB of Conv weights, deduplication hashes every
/// initializer), and the static int8 path with its activation ranges given (QdqQuantizer without calibration:
/// per-channel int8 weights, int32 biases, Q/DQ insertion, its own cleanup rounds). ModelFile load and save are
/// shown for scale. Each step runs on its own copy of the loaded model; the median of ROUNDS (default 5) counts, in process
/// CPU time (the work) and in wall time (the work plus waiting for a core on a shared machine).
/// </summary>
public static class WeightPassThroughput
{
    private const int MatMulSide = 2048;
    private const int ConvChannels = 512;
    private const int Blocks = 8;

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgebuild-bench", "weights-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            var path = Path.Combine(folder, "model.onnx");
            ModelFile.Save(Synthesize(), path);
            var megabytes = new FileInfo(path).Length / 1e6;
            var model = ModelFile.Load(path);
            Console.WriteLine($"model: {megabytes:F1} MB, {model.Graph.Node.Count} nodes, {model.Graph.Initializer.Count} initializers; {rounds} rounds, {Environment.ProcessorCount} cores");

            var steps = new (string Name, Action Run)[]
            {
                ("ModelFile.Load", () => ModelFile.Load(path)),
                ("cleanup pipeline", () => Cleanup(model.Clone())),
                ("int8 weights (QdqQuantizer, ranges given)", () => QuantizeWithoutCalibration(model.Clone())),
                ("both, as optimize runs them", () =>
                {
                    var copy = model.Clone();
                    Cleanup(copy);
                    QuantizeWithoutCalibration(copy);
                }),
                ("ModelFile.Save", () => ModelFile.Save(model, Path.Combine(folder, "saved.onnx"))),
            };

            var wall = steps.ToDictionary(s => s.Name, _ => new List<double>());
            var cpu = steps.ToDictionary(s => s.Name, _ => new List<double>());
            using var self = Process.GetCurrentProcess();
            for (var round = 0; round < rounds + 1; round++)
            {
                foreach (var (name, run) in steps)
                {
                    GC.Collect();
                    self.Refresh();
                    var cpuBefore = self.TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    run();
                    if (round == 0) continue; // round 0 warms up (JIT, page cache)
                    wall[name].Add(clock.Elapsed.TotalSeconds);
                    self.Refresh();
                    cpu[name].Add((self.TotalProcessorTime - cpuBefore).TotalSeconds);
                }
            }

            // The passes are single-threaded, so process CPU time is the work; on a shared machine wall time adds the
            // time spent waiting for a core (compare `uptime`'s load average with the core count).
            Console.WriteLine($"  {"step",-44} {"CPU s",6} {"MB/s",7}   {"wall s",6} {"MB/s",7}");
            foreach (var (name, _) in steps)
            {
                var c = Median(cpu[name]);
                var w = Median(wall[name]);
                Console.WriteLine($"  {name,-44} {c,6:F2} {megabytes / c,7:F0}   {w,6:F2} {megabytes / w,7:F0}");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    public static IReadOnlyDictionary<string, int> Cleanup(ModelProto model) =>
        CleanupPipeline.Run(new OnnxGraph(model.Graph), new PassContext(model));

    /// <summary>The int8 path with every activation range preset to [-4, 4], so the quantizer never runs a calibration session.</summary>
    public static QuantizationSummary QuantizeWithoutCalibration(ModelProto model)
    {
        var ranges = model.Graph.Node.SelectMany(n => n.Output).Concat(model.Graph.Input.Select(i => i.Name))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(n => n, n => new TensorRange(n, DType.Float, -4f, 4f), StringComparer.Ordinal);
        var noSamples = new SampleSource("(ranges given)", [], SampleSource.InputsOf(model), null);
        return QdqQuantizer.Quantize(model, noSamples, new QuantizationOptions(), ranges);
    }

    /// <summary>x1 [1, 2048] → 8 × (MatMul → Relu) → y1; x2 [1, 512, 8, 8] → 8 × (Conv → BatchNormalization → Relu) → y2.</summary>
    public static ModelProto Synthesize()
    {
        var random = new Random(7);
        float[] Values(int count, float scale)
        {
            var v = new float[count];
            for (var i = 0; i < v.Length; i++) v[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return v;
        }

        var b = new ModelBuilder(opset: 13).Input("x1", DType.Float, 1, MatMulSide).Input("x2", DType.Float, 1, ConvChannels, 8, 8);
        var previous = "x1";
        for (var i = 0; i < Blocks; i++)
        {
            b.Initializer($"mm{i}_w", Values(MatMulSide * MatMulSide, 0.02f), MatMulSide, MatMulSide)
                .Node("MatMul", [previous, $"mm{i}_w"], [$"mm{i}"], name: $"mm{i}")
                .Node("Relu", [$"mm{i}"], [previous = i == Blocks - 1 ? "y1" : $"mm{i}_r"], name: $"mm{i}_relu");
        }

        previous = "x2";
        for (var i = 0; i < Blocks; i++)
        {
            var c = ConvChannels;
            b.Initializer($"conv{i}_w", Values(c * c * 9, 0.02f), c, c, 3, 3)
                .Initializer($"conv{i}_b", Values(c, 0.1f), c)
                .Node("Conv", [previous, $"conv{i}_w", $"conv{i}_b"], [$"conv{i}"], name: $"conv{i}", attributes: Attributes.Ints("pads", 1, 1, 1, 1))
                .Initializer($"bn{i}_scale", Values(c, 0.5f).Select(v => v + 1f).ToArray(), c)
                .Initializer($"bn{i}_bias", Values(c, 0.1f), c)
                .Initializer($"bn{i}_mean", Values(c, 0.1f), c)
                .Initializer($"bn{i}_var", Values(c, 0.5f).Select(v => v + 1f).ToArray(), c)
                .Node("BatchNormalization", [$"conv{i}", $"bn{i}_scale", $"bn{i}_bias", $"bn{i}_mean", $"bn{i}_var"], [$"bn{i}"], name: $"bn{i}")
                .Node("Relu", [$"bn{i}"], [previous = i == Blocks - 1 ? "y2" : $"conv{i}_r"], name: $"conv{i}_relu");
        }

        return b.Output("y1", DType.Float, 1, MatMulSide).Output("y2", DType.Float, 1, ConvChannels, 8, 8).Build();
    }
}
