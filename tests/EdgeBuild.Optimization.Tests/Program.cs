using EdgeBuild.Benchmarks.Calibration;

namespace EdgeBuild.Optimization.Tests;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off): the test host never calls it, and
/// CalibrationMemoryTests runs `dotnet exec EdgeBuild.Optimization.Tests.dll calibration-memory-child ...` to measure
/// peak RSS in a fresh process.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) =>
        args is [CalibrationMemory.ChildCommand, ..] ? CalibrationMemory.RunChild(args) : 0;
}
