using EdgeBuild.Benchmarks.Calibration;
using EdgeBuild.Optimization.Tests.Budgets;

namespace EdgeBuild.Optimization.Tests;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off): the test host never calls it, and
/// CalibrationMemoryTests and DetectorMemoryTests run `dotnet exec EdgeBuild.Optimization.Tests.dll CHILD-COMMAND ...`
/// to measure peak RSS in a fresh process.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => args switch
    {
        [CalibrationMemory.ChildCommand, ..] => CalibrationMemory.RunChild(args),
        [OrtPeakMemory.ChildCommand, ..] => OrtPeakMemory.RunChild(args),
        _ => 0,
    };
}
