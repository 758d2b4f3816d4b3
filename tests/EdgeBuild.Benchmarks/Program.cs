using BenchmarkDotNet.Running;
using EdgeBuild.Benchmarks;
using EdgeBuild.Benchmarks.Calibration;
using EdgeBuild.Benchmarks.Optimization;

// `dotnet run -c Release --project tests/EdgeBuild.Benchmarks -- --filter '*'` runs every BenchmarkDotNet benchmark;
// `-- calibration-memory` and `-- weight-passes` are plain console benchmarks (peak RSS needs a process per run;
// a 200 MB model per run is too slow for BenchmarkDotNet's many iterations). docs/optimization.md quotes them.
// `-- telemetry-overhead` and `-- run-overhead` interleave A/B rounds in one process (median of ratios) for a
// loaded machine; docs/benchmarks-runtime.md quotes them.
return args switch
{
    [CalibrationMemory.ChildCommand, ..] => CalibrationMemory.RunChild(args),
    ["calibration-memory", .. var rest] => CalibrationMemoryBenchmark.Run(rest),
    ["weight-passes", .. var rest] => WeightPassThroughput.Run(rest),
    ["telemetry-overhead", .. var rest] => EdgeBuild.Benchmarks.Runtime.TelemetryOverheadInterleaved.Run(rest),
    ["run-overhead", .. var rest] => EdgeBuild.Benchmarks.Runtime.RunOverheadInterleaved.Run(rest),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(ModelFileBenchmarks).Assembly).Run(args);
    return 0;
}
