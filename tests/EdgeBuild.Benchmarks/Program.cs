using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/EdgeBuild.Benchmarks -- --filter '*'` runs every benchmark;
// see docs/benchmarks.md for what each measures and the ratios we quote.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
