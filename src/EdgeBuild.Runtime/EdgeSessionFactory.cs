using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// Turns a device profile's session settings plus the application's overrides into ONNX Runtime
/// <see cref="SessionOptions"/>. Public so hand-written ORT code can run with exactly the wrapper's settings.
/// </summary>
public static class EdgeSessionFactory
{
    /// <summary>
    /// Builds session options from the profile's <paramref name="settings"/> overridden by <paramref name="overrides"/>.
    /// </summary>
    /// <param name="settings">The profile's settings, compiled into the wrapper.</param>
    /// <param name="overrides">The application's overrides, or <see langword="null"/>.</param>
    /// <param name="executionProviders">Receives the execution providers that were registered, CPU last.</param>
    /// <returns>Options the caller owns and disposes.</returns>
    public static SessionOptions CreateSessionOptions(EdgeSessionSettings settings, EdgeSessionOptions? overrides, out IReadOnlyList<string> executionProviders)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new SessionOptions();
        try
        {
            if ((overrides?.IntraOpThreads ?? settings.IntraOpThreads) is { } intra) options.IntraOpNumThreads = intra;
            if ((overrides?.InterOpThreads ?? settings.InterOpThreads) is { } inter) options.InterOpNumThreads = inter;
            if ((overrides?.AllowSpinning ?? settings.AllowSpinning) is { } spin)
            {
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
                options.AddSessionConfigEntry("session.inter_op.allow_spinning", spin ? "1" : "0");
            }

            if ((overrides?.EnableCpuMemArena ?? settings.EnableCpuMemArena) is { } arena) options.EnableCpuMemArena = arena;
            if ((overrides?.EnableMemoryPattern ?? settings.EnableMemoryPattern) is { } pattern) options.EnableMemoryPattern = pattern;
            if ((overrides?.GraphOptimizationLevel ?? settings.GraphOptimizationLevel) is { } level) options.GraphOptimizationLevel = level;
            if ((overrides?.ExecutionMode ?? settings.ExecutionMode) is { } mode) options.ExecutionMode = mode;

            var log = overrides?.Log ?? (message => Trace.TraceWarning(message));
            executionProviders = ExecutionProviders.Append(options, overrides?.ExecutionProviders ?? settings.ExecutionProviders, log);
            overrides?.ConfigureSessionOptions?.Invoke(options);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>Creates an ONNX Runtime session for a model already held in memory.</summary>
    internal static InferenceSession CreateSession(EdgeModelInfo model, byte[] modelBytes, string source, EdgeSessionOptions? overrides, out IReadOnlyList<string> executionProviders)
    {
        using var options = CreateSessionOptions(model.Session, overrides, out executionProviders);
        try
        {
            return new InferenceSession(modelBytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"{model.ClassName}: ONNX Runtime could not load model '{source}': {e.Message}", e);
        }
    }
}
