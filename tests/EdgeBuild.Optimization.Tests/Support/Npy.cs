using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>
/// Float32 .npy files for sample folders in tests; the format lives in tests/Shared/NpyFile.cs. This half has no
/// other test dependencies, so tests/EdgeBuild.Benchmarks links it (with NpyFile.cs) too.
/// </summary>
internal static partial class Npy
{
    public static void Write(string path, float[] data, params long[] shape) => NpyFile.Write(path, data, shape);
}
