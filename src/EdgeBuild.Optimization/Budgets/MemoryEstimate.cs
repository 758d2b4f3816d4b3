namespace EdgeBuild.Optimization.Budgets;

/// <summary>Estimated peak memory of running one model at the declared dims (docs/profiles.md "Memory estimate").</summary>
public sealed record MemoryEstimate
{
    /// <summary>Weights and constants, resident for the session's lifetime.</summary>
    public required long InitializerBytes { get; init; }

    /// <summary>The largest set of simultaneously live activations (inputs, intermediates, outputs).</summary>
    public required long PeakActivationBytes { get; init; }

    public long EstimatedPeakBytes => InitializerBytes + PeakActivationBytes;

    /// <summary>The node at which the activation peak occurs, e.g. "conv2d_59 (Conv)".</summary>
    public string? PeakNode { get; init; }

    /// <summary>Kernel scratch included in <see cref="PeakActivationBytes"/> at the peak node (e.g. a Conv's im2col buffer).</summary>
    public long PeakWorkspaceBytes { get; init; }

    /// <summary>Input shapes the estimate is for, "x=[1,3,640,640]".</summary>
    public required IReadOnlyList<string> InputShapes { get; init; }
}
