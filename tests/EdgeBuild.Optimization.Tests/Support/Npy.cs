using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>Writes float32 .npy files (format 1.0) the way numpy.save does, for sample folders in tests.</summary>
internal static class Npy
{
    public static void Write(string path, float[] data, params long[] shape) => NpyFile.Write(path, data, shape);

    /// <summary>A folder of <paramref name="count"/> random samples of the given shape, one .npy per sample.</summary>
    public static string RandomSamples(TempDir dir, string folder, int count, long[] shape, int seed = 100)
    {
        var path = dir.File(folder);
        Directory.CreateDirectory(path);
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        for (var i = 0; i < count; i++) Write(Path.Combine(path, $"sample_{i:D3}.npy"), OrtRun.Random(n, seed + i), shape);
        return path;
    }
}
