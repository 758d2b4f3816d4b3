using EdgeBuild.Optimization.Data;
using DeviceProfile = EdgeBuild.Optimization.Profiles.DeviceProfile;
using QuantType = EdgeBuild.Optimization.Profiles.QuantType;
using CpuArchitecture = EdgeBuild.Optimization.Profiles.CpuArchitecture;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Runtime;

/// <summary>ONNX Runtime sessions as the optimizer, verifier and benchmark create them.</summary>
public static class Sessions
{
    /// <summary>
    /// Session options for running a model the way its target will. ORT fuses int8-activation QDQ into
    /// integer kernels by default only on ARM; for ARM targets with signed (S8S8) activations we ask for the
    /// same fusion on any host ("session.qdqisint8allowed"), so what we measure here is what the device runs.
    /// x64 targets never get it: ORT on an x64 device leaves it off (it runs U8S8 kernels, 3-10x faster than its
    /// S8S8 ones on this AVX512-VNNI host), so forcing it would measure kernels the device never picks.
    /// </summary>
    public static SessionOptions Options(DeviceProfile? target, int? intraOpThreads = null)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads ?? 0,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = LogLevel,
        };
        if (ForcesInt8QdqFusion(target)) options.AddSessionConfigEntry("session.qdqisint8allowed", "1");
        return options;
    }

    /// <summary>Whether sessions for <paramref name="target"/> set "session.qdqisint8allowed": ARM targets with S8S8 only.</summary>
    public static bool ForcesInt8QdqFusion(DeviceProfile? target) =>
        target is not null && target.Precision.ActivationType == QuantType.Int8 && target.Cpu.Architecture == CpuArchitecture.Arm64;

    /// <summary>
    /// ORT's native logger writes warnings (unused initializers, fallbacks) straight to the process's stderr, which the
    /// MSBuild task turns into build warnings and which must hold nothing but our own diagnostics: every session we
    /// create logs fatal errors only. Failures still surface, as OnnxRuntimeExceptions that we map to EDGE codes.
    /// </summary>
    public const OrtLoggingLevel QuietLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;

    /// <summary>
    /// `optimize --verbose`: sessions created in this async flow log ORT's warnings too (to the process's stderr, where
    /// a person asked for them). Scoped, not global, so a verbose run does not make concurrent runs in the process chatty.
    /// </summary>
    public static IDisposable LogWarnings()
    {
        var previous = ScopedLogLevel.Value;
        ScopedLogLevel.Value = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
        return new Restore(() => ScopedLogLevel.Value = previous);
    }

    /// <summary>The severity sessions log at: <see cref="QuietLogLevel"/> unless inside <see cref="LogWarnings"/>.</summary>
    public static OrtLoggingLevel LogLevel => ScopedLogLevel.Value ?? QuietLogLevel;

    private static readonly AsyncLocal<OrtLoggingLevel?> ScopedLogLevel = new();

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>Options for the optimizer's helper sessions (load checks, constant folding, shape probes, calibration).</summary>
    public static SessionOptions Quiet(GraphOptimizationLevel level, int intraOpThreads = 0) => new()
    {
        GraphOptimizationLevel = level,
        IntraOpNumThreads = intraOpThreads,
        LogSeverityLevel = LogLevel,
    };

    /// <summary>Feeds one sample (copies its tensors into ORT-owned buffers) and returns the output values.</summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, Sample sample, IReadOnlyList<string> outputs)
    {
        var values = sample.Inputs.Select(i => OrtTensors.ToOrtValue(i.Tensor)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            return session.Run(runOptions, sample.Inputs.Select(i => i.Name).ToList(), values, outputs);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
