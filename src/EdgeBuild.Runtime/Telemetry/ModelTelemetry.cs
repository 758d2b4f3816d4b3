using System.Diagnostics;

namespace EdgeBuild.Runtime;

/// <summary>
/// One model's measurements, with its tags computed once: recording a run then passes a cached tag array as a
/// span, which allocates nothing whether or not a <see cref="System.Diagnostics.Metrics.MeterListener"/> is attached.
/// </summary>
internal sealed class ModelTelemetry
{
    private readonly KeyValuePair<string, object?>[] _tags;

    private ModelTelemetry(EdgeModelInfo model)
    {
        _tags = new KeyValuePair<string, object?>[]
        {
            new(EdgeRuntimeTelemetry.ClassTag, model.ClassName),
            new(EdgeRuntimeTelemetry.TargetTag, model.Target ?? "none"),
            new(EdgeRuntimeTelemetry.PrecisionTag, model.Precision ?? "none"),
        };
    }

    /// <summary>The model's telemetry, or <see langword="null"/> when the process switch or the session's options turn it off.</summary>
    public static ModelTelemetry? For(EdgeModelInfo model, EdgeSessionOptions? options) =>
        EdgeRuntimeTelemetry.IsEnabled && (options?.EnableTelemetry ?? true) ? new ModelTelemetry(model) : null;

    public Activity? StartRun()
    {
        var activity = RuntimeInstruments.Source.StartActivity(EdgeRuntimeTelemetry.RunActivity);
        if (activity is { IsAllDataRequested: true }) foreach (var tag in _tags) activity.SetTag(tag.Key, tag.Value);
        return activity;
    }

    public void RunSucceeded(long startTimestamp, Activity? activity)
    {
        var seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        ReadOnlySpan<KeyValuePair<string, object?>> tags = _tags;
        RuntimeInstruments.RunDuration.Record(seconds, tags);
        RuntimeInstruments.Runs.Add(1, tags);
        activity?.Dispose();
    }

    public void RunFailed(long startTimestamp, Activity? activity, Exception error)
    {
        var seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        ReadOnlySpan<KeyValuePair<string, object?>> tags = WithError(error);
        RuntimeInstruments.RunDuration.Record(seconds, tags);
        RuntimeInstruments.Runs.Add(1, tags);
        RuntimeInstruments.RunFailures.Add(1, tags);
        Fail(activity, error);
    }

    public Activity? StartLoad()
    {
        var activity = RuntimeInstruments.Source.StartActivity(EdgeRuntimeTelemetry.LoadActivity);
        if (activity is { IsAllDataRequested: true }) foreach (var tag in _tags) activity.SetTag(tag.Key, tag.Value);
        return activity;
    }

    public void LoadFinished(long startTimestamp, Activity? activity, Exception? error)
    {
        var seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        if (error is EdgeModelIntegrityException) RuntimeInstruments.IntegrityFailures.Add(1, _tags);
        RuntimeInstruments.LoadDuration.Record(seconds, error is null ? _tags : WithError(error));
        if (error is null) activity?.Dispose();
        else Fail(activity, error);
    }

    // The failure path may allocate: it already has an exception in hand.
    private KeyValuePair<string, object?>[] WithError(Exception error) =>
        [.. _tags, new(EdgeRuntimeTelemetry.ErrorTypeTag, error.GetType().FullName)];

    private static void Fail(Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(EdgeRuntimeTelemetry.ErrorTypeTag, error.GetType().FullName);
        activity.Dispose();
    }
}
