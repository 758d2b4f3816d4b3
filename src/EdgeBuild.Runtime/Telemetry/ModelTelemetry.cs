using System.Diagnostics;

namespace EdgeBuild.Runtime;

/// <summary>
/// One session's measurements, with its tags computed once: recording a run then passes a cached tag array as a
/// span, which allocates nothing whether or not a <see cref="System.Diagnostics.Metrics.MeterListener"/> is attached.
/// </summary>
/// <remarks>
/// Per run, with telemetry on: one field increment (the observable runs counter, <see cref="RunCounts"/>); and
/// only while someone listens, one pair of <see cref="Stopwatch.GetTimestamp"/> reads shared by the duration
/// histogram and the run span, and one histogram recording. The clock pair is most of that cost (about 25–30 ns a
/// read on the kvm-clock dev host) and is what measuring a duration needs.
/// </remarks>
internal sealed class ModelTelemetry
{
    /// <summary>Seconds per <see cref="Stopwatch"/> tick: exact durations (a <see cref="TimeSpan"/> would round to 100 ns, 6 % of a 1.6 µs run).</summary>
    private static readonly double SecondsPerTick = 1.0 / Stopwatch.Frequency;

    private long _runs;

    private ModelTelemetry(EdgeModelInfo model)
    {
        Tags =
        [
            new(EdgeRuntimeTelemetry.ClassTag, model.ClassName),
            new(EdgeRuntimeTelemetry.TargetTag, model.Target ?? "none"),
            new(EdgeRuntimeTelemetry.PrecisionTag, model.Precision ?? "none"),
        ];
    }

    /// <summary>Class, target, precision: the tags of every measurement, in that order.</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>This session's <c>Run()</c> calls so far, failed ones included.</summary>
    public long Runs => Environment.Is64BitProcess ? Volatile.Read(ref _runs) : Interlocked.Read(ref _runs);

    /// <summary>The model's telemetry, or <see langword="null"/> when the process switch or the session's options turn it off.</summary>
    public static ModelTelemetry? For(EdgeModelInfo model, EdgeSessionOptions? options) =>
        EdgeRuntimeTelemetry.IsEnabled && (options?.EnableTelemetry ?? true) ? new ModelTelemetry(model) : null;

    /// <summary>Counts a run. A session runs on one thread at a time, so a plain increment suffices; a 64-bit
    /// field is written in one store on 64-bit processes only, so 32-bit ones (armhf Pis) increment atomically
    /// to keep the collector's read untorn. The branch is a JIT-time constant.</summary>
    public void CountRun()
    {
        if (Environment.Is64BitProcess) _runs++;
        else Interlocked.Increment(ref _runs);
    }

    /// <summary>Whether this run needs the clock: a listener on the duration histogram or the failures counter, or on the spans.</summary>
    public static bool RunObserved =>
        RuntimeInstruments.RunDuration.Enabled || RuntimeInstruments.RunFailures.Enabled || RuntimeInstruments.Source.HasListeners();

    public Activity? StartRun() => Start(EdgeRuntimeTelemetry.RunActivity);

    public void RunSucceeded(long startTimestamp, Activity? activity)
    {
        var seconds = Elapsed(startTimestamp, activity);
        RuntimeInstruments.RunDuration.Record(seconds, (ReadOnlySpan<KeyValuePair<string, object?>>)Tags);
        activity?.Dispose();
    }

    public void RunFailed(long startTimestamp, Activity? activity, Exception error)
    {
        var seconds = Elapsed(startTimestamp, activity);
        ReadOnlySpan<KeyValuePair<string, object?>> tags = WithError(error);
        RuntimeInstruments.RunDuration.Record(seconds, tags);
        RuntimeInstruments.RunFailures.Add(1, tags);
        Fail(activity, error);
    }

    public Activity? StartLoad() => Start(EdgeRuntimeTelemetry.LoadActivity);

    public void LoadFinished(long startTimestamp, Activity? activity, Exception? error)
    {
        var seconds = Elapsed(startTimestamp, activity);
        if (error is EdgeModelIntegrityException) RuntimeInstruments.IntegrityFailures.Add(1, Tags);
        RuntimeInstruments.LoadDuration.Record(seconds, error is null ? Tags : WithError(error));
        if (error is null) activity?.Dispose();
        else Fail(activity, error);
    }

    /// <summary>The session is loaded: its runs join the observable counter.</summary>
    public void Attach() => RunCounts.Attach(this);

    /// <summary>The session is disposed: its runs stay in the counter's total.</summary>
    public void Retire() => RunCounts.Retire(this);

    private Activity? Start(string name)
    {
        var activity = RuntimeInstruments.Source.StartActivity(name);
        if (activity is { IsAllDataRequested: true }) foreach (var tag in Tags) activity.SetTag(tag.Key, tag.Value);
        return activity;
    }

    /// <summary>
    /// The one end-of-run clock read: it gives the histogram's seconds and, when a span is open, the span's end
    /// (its start plus the same elapsed time), so <see cref="Activity.Stop"/> does not read the clock again.
    /// </summary>
    private static double Elapsed(long startTimestamp, Activity? activity)
    {
        var ticks = Stopwatch.GetTimestamp() - startTimestamp;
        var seconds = ticks * SecondsPerTick;
        activity?.SetEndTime(activity.StartTimeUtc.AddTicks((long)(seconds * TimeSpan.TicksPerSecond)));
        return seconds;
    }

    // The failure path may allocate: it already has an exception in hand.
    private KeyValuePair<string, object?>[] WithError(Exception error) =>
        [.. Tags, new(EdgeRuntimeTelemetry.ErrorTypeTag, error.GetType().FullName)];

    private static void Fail(Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(EdgeRuntimeTelemetry.ErrorTypeTag, error.GetType().FullName);
        activity.Dispose();
    }
}
