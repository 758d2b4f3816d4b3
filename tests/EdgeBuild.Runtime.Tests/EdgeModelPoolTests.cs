using System.Collections.Concurrent;

namespace EdgeBuild.Runtime.Tests;

public sealed class EdgeModelPoolTests
{
    [Fact]
    public async Task Concurrent_requests_each_get_an_exclusive_instance_and_correct_results()
    {
        var created = new ConcurrentBag<TinyAffine>();
        using var pool = new EdgeModelPool<TinyAffine>(() =>
        {
            var model = TinyAffine.Create();
            created.Add(model);
            return model;
        }, maxRetained: 4);
        var inUse = new ConcurrentDictionary<TinyAffine, int>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                using var lease = pool.Rent();
                Assert.True(inUse.TryAdd(lease.Instance, worker), "an instance was rented twice at once");
                lease.Instance.Inputs.X.Fill(worker + i);
                lease.Instance.Run();
                Assert.All(lease.Instance.Outputs.Y.ToArray(), y => Assert.Equal((worker + i) * 2f + 1f, y));
                inUse.TryRemove(lease.Instance, out _);
            }
        })));

        Assert.InRange(created.Count, 1, 8);
    }

    [Fact]
    public void Instances_beyond_maxRetained_are_disposed_on_return()
    {
        using var pool = new EdgeModelPool<TinyAffine>(() => TinyAffine.Create(), maxRetained: 1);
        var a = pool.Rent();
        var b = pool.Rent();
        var first = a.Instance;
        var second = b.Instance;
        a.Dispose();
        b.Dispose();

        first.Run();
        Assert.Throws<ObjectDisposedException>(() => second.Run());
        using var again = pool.Rent();
        Assert.Same(first, again.Instance);
    }
}
