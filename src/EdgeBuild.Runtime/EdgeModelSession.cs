using System.Diagnostics;
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
    private readonly ModelTelemetry? _telemetry;
    private bool _disposed;

    private EdgeModelSession(EdgeModelInfo model, InferenceSession session, EdgeEffectiveSessionSettings settings, ModelTelemetry? telemetry)
    {
        Model = model;
        _session = session;
        EffectiveSettings = settings;
        _telemetry = telemetry;
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

            telemetry?.Attach();
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
    public IReadOnlyList<string> ExecutionProviders => EffectiveSettings.ExecutionProviders;

    /// <summary>The settings the session runs with: the profile's, the application's overrides, fitted to the host's cores.</summary>
    public EdgeEffectiveSessionSettings EffectiveSettings { get; }

    /// <summary>Loads the model from the application's output folder, or from <paramref name="resourceAssembly"/> when it is embedded.</summary>
    public static EdgeModelSession Load(EdgeModelInfo model, Assembly resourceAssembly, EdgeSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(resourceAssembly);
        return Load(model, options, static (m, assembly) => ModelBytes.FromOutputFolder(m, assembly), resourceAssembly);
    }

    /// <summary>Loads the model from a file.</summary>
    public static EdgeModelSession Load(EdgeModelInfo model, string modelPath, EdgeSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Load(model, options, static (m, path) => ModelBytes.FromFile(m, path), modelPath);
    }

    /// <summary>Loads the model from a stream, read to its end; the caller keeps ownership of the stream.</summary>
    public static EdgeModelSession Load(EdgeModelInfo model, Stream modelStream, EdgeSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Load(model, options, static (m, stream) => ModelBytes.FromStream(m, stream), modelStream);
    }

    /// <summary>Lets tests make ONNX Runtime abort a run (<see cref="RunOptions.Terminate"/>): a real failure path.</summary>
    internal RunOptions RunOptionsForTests => _runOptions;

    /// <summary>The pinned buffer bound to input <paramref name="index"/>.</summary>
    public T[] InputBuffer<T>(int index) where T : unmanaged => _inputs[index].As<T>();

    /// <summary>The pinned buffer bound to output <paramref name="index"/>.</summary>
    public T[] OutputBuffer<T>(int index) where T : unmanaged => _outputs[index].As<T>();

    /// <summary>Runs the model on the input buffers, writing the output buffers.</summary>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_telemetry is { } telemetry)
        {
            telemetry.CountRun();
            // Nobody listening: the field increment and three volatile reads, no clock.
            if (ModelTelemetry.RunObserved)
            {
                RunObserved(telemetry);
                return;
            }
        }

        _session.RunWithBinding(_runOptions, _binding);
    }

    private void RunObserved(ModelTelemetry telemetry)
    {
        var activity = telemetry.StartRun();
        var start = Stopwatch.GetTimestamp();
        try
        {
            _session.RunWithBinding(_runOptions, _binding);
        }
        catch (Exception e)
        {
            telemetry.RunFailed(start, activity, e);
            throw;
        }

        telemetry.RunSucceeded(start, activity);
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
        _telemetry?.Retire();
        _binding?.Dispose();
        foreach (var tensor in _inputs) tensor?.Dispose();
        foreach (var tensor in _outputs) tensor?.Dispose();
        _runOptions?.Dispose();
        _session.Dispose();
    }

    private static EdgeModelSession Load<TSource>(EdgeModelInfo model, EdgeSessionOptions? options,
        Func<EdgeModelInfo, TSource, ModelSource> read, TSource from)
    {
        var telemetry = ModelTelemetry.For(model, options);
        var activity = telemetry?.StartLoad();
        var start = Stopwatch.GetTimestamp();
        EdgeModelSession loaded;
        string source;
        try
        {
            var input = read(model, from);
            source = input.Source;
            loaded = Load(model, input, options, telemetry);
        }
        catch (Exception e)
        {
            telemetry?.LoadFinished(start, activity, e);
            throw;
        }

        telemetry?.LoadFinished(start, activity, null);
        // Once per session, so an operator can see what the device profile became on this host.
        var log = options?.Log ?? (message => Trace.TraceInformation(message));
        log($"EdgeBuild: {model.ClassName} from '{source}': {loaded.EffectiveSettings}");
        return loaded;
    }

    private static EdgeModelSession Load(EdgeModelInfo model, in ModelSource read, EdgeSessionOptions? options, ModelTelemetry? telemetry)
    {
        if (options?.VerifyModelHash ?? true) ModelBytes.Verify(model, read);
        var session = EdgeSessionFactory.CreateSession(model, read.Bytes, read.Source, options, out var settings, read.ExternalDataFolder);
        try
        {
            SignatureCheck.Verify(model, session, read.Source);
            return new EdgeModelSession(model, session, settings, telemetry);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
