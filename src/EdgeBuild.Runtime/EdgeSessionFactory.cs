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
    /// Builds session options from the profile's <paramref name="settings"/> overridden by <paramref name="overrides"/>,
    /// with the profile's thread counts fitted to the cores this process may use, and tells what was applied.
    /// </summary>
    /// <param name="settings">The profile's settings, compiled into the wrapper.</param>
    /// <param name="overrides">The application's overrides, or <see langword="null"/>.</param>
    /// <param name="effective">Receives the settings that were applied and why any differs from what was asked.</param>
    /// <returns>Options the caller owns and disposes.</returns>
    public static SessionOptions CreateSessionOptions(EdgeSessionSettings settings, EdgeSessionOptions? overrides, out EdgeEffectiveSessionSettings effective) =>
        CreateSessionOptions(settings, overrides, ThreadBudget.UsableCores, out effective, ThreadBudget.MachineCpus);

    /// <summary>The same for a given host: <paramref name="machineCpus"/> <see langword="null"/> (unknown) counts as a restricted process.</summary>
    internal static SessionOptions CreateSessionOptions(EdgeSessionSettings settings, EdgeSessionOptions? overrides, int usableCores,
        out EdgeEffectiveSessionSettings effective, int? machineCpus = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var threads = ThreadBudget.Fit(settings, overrides, usableCores, machineCpus);
        var arena = overrides?.EnableCpuMemArena ?? settings.EnableCpuMemArena;
        var pattern = overrides?.EnableMemoryPattern ?? settings.EnableMemoryPattern;
        var level = overrides?.GraphOptimizationLevel ?? settings.GraphOptimizationLevel;
        var mode = overrides?.ExecutionMode ?? settings.ExecutionMode;
        var options = new SessionOptions();
        try
        {
            if (threads.IntraOpThreads is { } intra) options.IntraOpNumThreads = intra;
            if (threads.InterOpThreads is { } inter) options.InterOpNumThreads = inter;
            if (threads.AllowSpinning is { } spin)
            {
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
                options.AddSessionConfigEntry("session.inter_op.allow_spinning", spin ? "1" : "0");
            }

            if (arena is { } a) options.EnableCpuMemArena = a;
            if (pattern is { } p) options.EnableMemoryPattern = p;
            if (level is { } l) options.GraphOptimizationLevel = l;
            if (mode is { } m) options.ExecutionMode = m;

            var log = overrides?.Log ?? (message => Trace.TraceWarning(message));
            var providers = ExecutionProviders.Append(options, overrides?.ExecutionProviders ?? settings.ExecutionProviders, log);
            overrides?.ConfigureSessionOptions?.Invoke(options);
            effective = new EdgeEffectiveSessionSettings
            {
                UsableCores = usableCores,
                IntraOpThreads = threads.IntraOpThreads,
                InterOpThreads = threads.InterOpThreads,
                AllowSpinning = threads.AllowSpinning,
                EnableCpuMemArena = arena,
                EnableMemoryPattern = pattern,
                GraphOptimizationLevel = level,
                ExecutionMode = mode,
                ExecutionProviders = providers,
                Adjustments = threads.Adjustments,
                TelemetryEnabled = EdgeRuntimeTelemetry.IsEnabled && (overrides?.EnableTelemetry ?? true),
            };
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>ORT's session config key (onnxruntime_session_options_config_keys.h) for external data of a model loaded from bytes.</summary>
    private const string ExternalDataFolderKey = "session.model_external_initializers_file_folder_path";

    /// <summary>
    /// Creates an ONNX Runtime session for a model already held in memory; its external data, if any, is read from
    /// <paramref name="externalDataFolder"/> (ORT resolves locations there instead of next to a model file).
    /// </summary>
    internal static InferenceSession CreateSession(EdgeModelInfo model, byte[] modelBytes, string source, EdgeSessionOptions? overrides,
        out EdgeEffectiveSessionSettings effective, string? externalDataFolder = null)
    {
        using var options = CreateSessionOptions(model.Session, overrides, out effective);
        try
        {
            if (externalDataFolder is not null) options.AddSessionConfigEntry(ExternalDataFolderKey, externalDataFolder);
            return new InferenceSession(modelBytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"{model.ClassName}: ONNX Runtime could not load model '{source}': {e.Message}", e);
        }
    }
}
