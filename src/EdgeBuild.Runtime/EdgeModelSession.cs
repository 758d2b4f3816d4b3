using System.Reflection;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// The engine behind a generated wrapper: an ONNX Runtime session whose inputs and outputs are bound once, by
/// name, to pinned buffers preallocated for the manifest's dims. <see cref="Run"/> then executes the bound graph
/// with no name lookups, no managed allocations and no copies.
/// </summary>
/// <remarks>
/// An instance is not thread-safe: its buffers are shared state. Use one instance per thread, or an
/// <see cref="EdgeModelPool{T}"/> of wrappers on servers.
/// </remarks>
public sealed class EdgeModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtIoBinding _binding;
    private readonly PinnedTensor[] _inputs;
    private readonly PinnedTensor[] _outputs;
    private bool _disposed;

    private EdgeModelSession(EdgeModelInfo model, InferenceSession session, IReadOnlyList<string> executionProviders)
    {
        Model = model;
        _session = session;
        ExecutionProviders = executionProviders;
        _inputs = new PinnedTensor[model.Inputs.Count];
        _outputs = new PinnedTensor[model.Outputs.Count];
        _runOptions = new RunOptions();
        _binding = session.CreateIoBinding();
        try
        {
            for (var i = 0; i < _inputs.Length; i++)
            {
                _inputs[i] = PinnedTensor.Allocate(model.Inputs[i]);
                _binding.BindInput(model.Inputs[i].Name, _inputs[i].Value);
            }

            for (var i = 0; i < _outputs.Length; i++)
            {
                _outputs[i] = PinnedTensor.Allocate(model.Outputs[i]);
                _binding.BindOutput(model.Outputs[i].Name, _outputs[i].Value);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What the wrapper knows about the model.</summary>
    public EdgeModelInfo Model { get; }

    /// <summary>The underlying ONNX Runtime session, for metadata and advanced use. Owned by this instance.</summary>
    public InferenceSession InferenceSession => _session;

    /// <summary>The execution providers that were registered, in preference order; <c>cpu</c> is always last.</summary>
    public IReadOnlyList<string> ExecutionProviders { get; }

    /// <summary>Loads the model from the application's output folder, or from <paramref name="resourceAssembly"/> when it is embedded.</summary>
    public static EdgeModelSession Load(EdgeModelInfo model, Assembly resourceAssembly, EdgeSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(resourceAssembly);
        var (bytes, source) = ModelBytes.FromOutputFolder(model, resourceAssembly);
        return Load(model, bytes, source, options);
    }

    /// <summary>Loads the model from a file.</summary>
    public static EdgeModelSession Load(EdgeModelInfo model, string modelPath, EdgeSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (bytes, source) = ModelBytes.FromFile(model, modelPath);
        return Load(model, bytes, source, options);
    }

    /// <summary>Loads the model from a stream, read to its end; the caller keeps ownership of the stream.</summary>
    public static EdgeModelSession Load(EdgeModelInfo model, Stream modelStream, EdgeSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (bytes, source) = ModelBytes.FromStream(modelStream);
        return Load(model, bytes, source, options);
    }

    /// <summary>The pinned buffer bound to input <paramref name="index"/>.</summary>
    public T[] InputBuffer<T>(int index) where T : unmanaged => _inputs[index].As<T>();

    /// <summary>The pinned buffer bound to output <paramref name="index"/>.</summary>
    public T[] OutputBuffer<T>(int index) where T : unmanaged => _outputs[index].As<T>();

    /// <summary>Runs the model on the input buffers, writing the output buffers.</summary>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _session.RunWithBinding(_runOptions, _binding);
    }

    /// <summary>
    /// Starts a run on the allocating path, whose input shapes may differ from the preallocated ones within
    /// the model's symbolic dims. Each call allocates its tensors; use <see cref="Run"/> for the steady state.
    /// </summary>
    public EdgeDynamicRun BeginDynamicRun()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new EdgeDynamicRun(Model, _session, _runOptions);
    }

    /// <summary>Checks a caller's span length against its tensor's element count.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void CheckLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
            throw new ArgumentException($"Expected {expected} elements, got {actual}.", parameterName);
    }

    /// <summary>Copies <paramref name="source"/> into an input buffer after checking its length.</summary>
    /// <exception cref="ArgumentException">The length differs from the input's.</exception>
    public static void CopyInput<T>(ReadOnlySpan<T> source, T[] destination, string parameterName) where T : unmanaged
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Expected {destination.Length} elements, got {source.Length}.", parameterName);
        source.CopyTo(destination);
    }

    /// <summary>Copies an output buffer into <paramref name="destination"/> after checking its length.</summary>
    /// <exception cref="ArgumentException">The length differs from the output's.</exception>
    public static void CopyOutput<T>(T[] source, Span<T> destination, string parameterName) where T : unmanaged
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Expected a destination of {source.Length} elements, got {destination.Length}.", parameterName);
        source.CopyTo(destination);
    }

    /// <summary>Releases the session, the binding and the native tensor wrappers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _binding?.Dispose();
        foreach (var tensor in _inputs) tensor?.Dispose();
        foreach (var tensor in _outputs) tensor?.Dispose();
        _runOptions?.Dispose();
        _session.Dispose();
    }

    private static EdgeModelSession Load(EdgeModelInfo model, byte[] bytes, string source, EdgeSessionOptions? options)
    {
        if (options?.VerifyModelHash ?? true) ModelBytes.Verify(model, bytes, source);
        var session = EdgeSessionFactory.CreateSession(model, bytes, source, options, out var providers);
        try
        {
            SignatureCheck.Verify(model, session, source);
            return new EdgeModelSession(model, session, providers);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
