namespace EdgeBuild.Optimization.Reporting;

/// <summary>
/// Where a running optimization is, for people watching a long run: the CLI writes these to stderr and the MSBuild
/// task logs them, so CI logs show where the time went. Never part of a result, a report or a cache key.
/// </summary>
/// <param name="Stage">The plan step or phase, e.g. "calibrate", "exclude-sensitive-nodes".</param>
/// <param name="Detail">What is happening, e.g. "21 samples" or "budget 30 dB, worst 27.4 dB".</param>
/// <param name="Done">Units finished so far, when the stage counts them (samples, attempts).</param>
/// <param name="Total">Units expected, when known.</param>
public sealed record ProgressEvent(string Stage, string Detail, int? Done = null, int? Total = null);
