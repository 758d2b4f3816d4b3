using System.Diagnostics;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>
/// Wall time per pipeline stage for the report. <see cref="Mark"/> closes the stage that ran since the
/// previous mark, so the pipeline's code needs one line after each stage, not a wrapper around it.
/// </summary>
public sealed class StageClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly List<StageTime> _stages = [];
    private TimeSpan _last;

    public IReadOnlyList<StageTime> Stages => _stages;

    /// <summary>Records the time since the previous mark (or since the clock started) as <paramref name="stage"/>.</summary>
    public void Mark(string stage)
    {
        var now = _watch.Elapsed;
        _stages.Add(new StageTime(stage, Math.Round((now - _last).TotalMilliseconds, 1)));
        _last = now;
    }
}
