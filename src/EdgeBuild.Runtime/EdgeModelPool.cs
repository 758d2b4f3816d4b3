using System.Collections.Concurrent;

namespace EdgeBuild.Runtime;

/// <summary>
/// A pool of wrapper instances for servers: a wrapper is single-threaded (its buffers are shared state), so each
/// concurrent request rents its own. Instances are created on demand by the factory and reused; the pool keeps
/// at most <c>maxRetained</c> idle ones and disposes the rest.
/// </summary>
/// <typeparam name="T">A generated wrapper type.</typeparam>
/// <example>
/// <code>
/// var pool = new EdgeModelPool&lt;TextDetector&gt;(() =&gt; TextDetector.Create());
/// using (var lease = pool.Rent())
/// {
///     pixels.CopyTo(lease.Instance.Inputs.X);
///     lease.Instance.Run();
/// }
/// </code>
/// </example>
public sealed class EdgeModelPool<T> : IDisposable where T : class, IDisposable
{
    private readonly Func<T> _factory;
    private readonly int _maxRetained;
    private readonly ConcurrentQueue<T> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>Creates a pool.</summary>
    /// <param name="factory">Creates a new wrapper, typically <c>() =&gt; MyModel.Create(options)</c>.</param>
    /// <param name="maxRetained">Idle instances kept for reuse; defaults to the processor count.</param>
    public EdgeModelPool(Func<T> factory, int maxRetained = 0)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetained);
        _factory = factory;
        _maxRetained = maxRetained == 0 ? Environment.ProcessorCount : maxRetained;
    }

    /// <summary>Rents an instance for the calling thread's exclusive use until the lease is disposed.</summary>
    public Lease Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var instance))
        {
            Interlocked.Decrement(ref _idleCount);
            return new Lease(this, instance);
        }

        return new Lease(this, _factory());
    }

    /// <summary>Disposes the idle instances; instances still rented are disposed when returned.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var instance)) instance.Dispose();
    }

    private void Return(T instance)
    {
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= _maxRetained)
        {
            _idle.Enqueue(instance);
            if (!_disposed) return;
            // Disposed while returning: drain so nothing is left undisposed.
            while (_idle.TryDequeue(out var idle)) idle.Dispose();
            return;
        }

        if (!_disposed) Interlocked.Decrement(ref _idleCount);
        instance.Dispose();
    }

    /// <summary>An instance rented from the pool; dispose it to give the instance back.</summary>
    public struct Lease : IDisposable
    {
        private EdgeModelPool<T>? _pool;

        internal Lease(EdgeModelPool<T> pool, T instance)
        {
            _pool = pool;
            Instance = instance;
        }

        /// <summary>The rented instance; use it only until the lease is disposed.</summary>
        public T Instance { get; }

        /// <summary>Returns the instance to the pool.</summary>
        public void Dispose()
        {
            var pool = _pool;
            _pool = null;
            pool?.Return(Instance);
        }
    }
}
