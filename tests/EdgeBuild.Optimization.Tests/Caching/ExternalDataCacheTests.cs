using EdgeBuild.Onnx;
using EdgeBuild.Optimization.Caching;
using EdgeBuild.Optimization.Tests.Proofs;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Caching;

/// <summary>
/// A model written with external data is cached as a pair: a hit restores the .onnx and its .data file together, an
/// entry whose data file is gone or damaged is a miss (never a model without its weights), and an inline hit removes a
/// data file an earlier external run left at the destination.
/// </summary>
public sealed class ExternalDataCacheTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_hit_restores_the_model_and_its_data_file_and_an_entry_without_the_data_file_is_a_miss()
    {
        var source = _dir.File("matmulnet.onnx");
        ModelFile.Save(ProofModels.MatMulNet(), source);
        var log = new List<string>();
        var cache = new OptimizationCache(_dir.File("cache"), null, log.Add);
        var first = Request(source, "first");

        var miss = CachedOptimizer.Optimize(first, cache, log.Add);
        var hit = CachedOptimizer.Optimize(Request(source, "second"), cache, log.Add);

        Assert.Equal(("miss", "hit"), (miss.Cache, hit.Cache));
        Assert.Equal(Path.GetFullPath(_dir.File("second/model.onnx")) + ".data", hit.ExternalDataPath);
        Assert.Equal(File.ReadAllBytes(first.OutputPath), File.ReadAllBytes(hit.OutputPath));
        Assert.Equal(File.ReadAllBytes(miss.ExternalDataPath!), File.ReadAllBytes(hit.ExternalDataPath!));
        Assert.Null(ModelFile.CompareWritten(ModelFile.Load(first.OutputPath), hit.OutputPath, out var external));
        Assert.True(external > 0);

        // Take the data file out of the entry: the next lookup must not restore the model alone.
        var entry = Directory.GetDirectories(_dir.File("cache")).SelectMany(Directory.GetDirectories).Single();
        File.Delete(Path.Combine(entry, "out-data"));
        var third = Request(source, "third");
        var again = CachedOptimizer.Optimize(third, cache, log.Add);
        Assert.Equal("miss", again.Cache);
        Assert.Equal(File.ReadAllBytes(miss.ExternalDataPath!), File.ReadAllBytes(third.OutputPath + ".data"));
        Assert.Equal(2, log.Count(l => l.StartsWith("cache miss", StringComparison.Ordinal)));
        Assert.Equal("hit", CachedOptimizer.Optimize(Request(source, "fourth"), cache, log.Add).Cache); // the entry was stored again, whole
        Assert.True(File.Exists(_dir.File("fourth/model.onnx.data")));

        // An inline result restored over an earlier external output leaves no stale data file behind.
        var inline = first with { ExternalData = false };
        Assert.Equal("miss", CachedOptimizer.Optimize(inline with { OutputPath = _dir.File("inline/model.onnx") }, cache, log.Add).Cache);
        var restored = CachedOptimizer.Optimize(inline, cache, log.Add);
        Assert.Equal("hit", restored.Cache);
        Assert.Null(restored.ExternalDataPath);
        Assert.False(File.Exists(first.OutputPath + ".data"));
    }

    private OptimizeRequest Request(string source, string folder) => new()
    {
        ModelPath = source,
        OutputPath = _dir.File(folder + "/model.onnx"),
        TargetId = "rpi5",
        Precision = "none",
        ExternalData = true,
    };
}
