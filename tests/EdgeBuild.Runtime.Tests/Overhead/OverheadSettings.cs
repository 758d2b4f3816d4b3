using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime.Overhead;

/// <summary>
/// The two comparisons of issue 15's acceptance 4, wrapper vs <see cref="RawIoBindingLoop"/> on the detector:
/// the default <c>Create()</c> against ORT's default <see cref="SessionOptions"/> (≤ 1.05, wall clock: latency with
/// different settings), and both with the same explicit settings (≤ 1.02, process CPU time: the wrapper's own cost).
/// </summary>
internal static class OverheadSettings
{
    public const double DefaultBound = 1.05;
    public const double EqualBound = 1.02;

    /// <summary>Two threads (this host's cores), no spinning, all graph optimizations: what <see cref="EqualRaw"/> sets too.</summary>
    public static EdgeSessionOptions EqualWrapper() => new()
    {
        IntraOpThreads = 2,
        AllowSpinning = false,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    public static SessionOptions EqualRaw()
    {
        var options = new SessionOptions { IntraOpNumThreads = 2, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }
}
