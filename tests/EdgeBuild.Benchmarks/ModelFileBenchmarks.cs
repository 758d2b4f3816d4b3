using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Benchmarks;

/// <summary>
/// Load + save of a 200 MB model (synthesized: 50 float initializers of 4 MB behind a chain of Adds), against
/// the I/O floor of copying the same file with File.ReadAllBytes/WriteAllBytes in the same run. The MB/s column
/// is model bytes / mean time. Run: dotnet run -c Release --project tests/EdgeBuild.Benchmarks -- --filter '*ModelFile*'
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ModelFileBenchmarks
{
    private const int Tensors = 50;
    private const int FloatsPerTensor = 1 << 20; // 4 MB each, 200 MB in all

    private string _folder = "";
    private string _inline = "";
    private string _external = "";

    public static long ModelBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgebuild-bench", Guid.NewGuid().ToString("N"))).FullName;
        _inline = Path.Combine(_folder, "inline.onnx");
        _external = Path.Combine(_folder, "external.onnx");
        var model = Synthesize();
        ModelFile.Save(model, _inline);
        ModelFile.Save(model, _external, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        ModelBytes = new FileInfo(_inline).Length;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true, Description = "copy file (I/O floor)")]
    public void CopyFile() => File.WriteAllBytes(Path.Combine(_folder, "copy.onnx"), File.ReadAllBytes(_inline));

    [Benchmark(Description = "load + save")]
    public void LoadSave() => ModelFile.Save(ModelFile.Load(_inline), Path.Combine(_folder, "saved.onnx"));

    [Benchmark(Description = "load + save, external data")]
    public void LoadSaveExternal() =>
        ModelFile.Save(ModelFile.Load(_external), Path.Combine(_folder, "saved-external.onnx"), new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });

    [Benchmark(Description = "load")]
    public ModelProto Load() => ModelFile.Load(_inline);

    private static ModelProto Synthesize()
    {
        var graph = new GraphProto { Name = "bench" };
        var random = new Random(1);
        var previous = "x";
        for (var i = 0; i < Tensors; i++)
        {
            var bytes = new byte[FloatsPerTensor * 4];
            random.NextBytes(bytes);
            graph.Initializer.Add(new TensorProto { Name = $"w{i}", DataType = (int)TensorProto.Types.DataType.Float, Dims = { FloatsPerTensor }, RawData = UnsafeByteOperations.UnsafeWrap(bytes) });
            var output = i == Tensors - 1 ? "y" : $"t{i}";
            graph.Node.Add(new NodeProto { OpType = "Add", Input = { previous, $"w{i}" }, Output = { output } });
            previous = output;
        }

        return new ModelProto { IrVersion = 8, OpsetImport = { new OperatorSetIdProto { Version = 13 } }, Graph = graph };
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        // In process: the default out-of-process toolchain rebuilds the solution, which takes minutes on a busy
        // 2-core machine; these benchmarks measure I/O and parsing, which isolation would not change.
        public ThroughputConfig()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8));
            AddColumn(new ThroughputColumn());
        }
    }

    /// <summary>Model megabytes (10^6 bytes) per second of the mean time.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "MBps";
        public string ColumnName => "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "model bytes / mean time, in MB/s";
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is > 0 ? (ModelBytesOnDisk(summary) / (mean.Value / 1e9) / 1e6).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        // The column is computed in the host process, where GlobalSetup never ran: recompute the size from the constants.
        private static double ModelBytesOnDisk(Summary summary) => ModelBytes > 0 ? ModelBytes : (double)Tensors * FloatsPerTensor * 4;
    }
}
