using System.Diagnostics.Metrics;
using EdgeBuild.Runtime;

namespace TextDetection;

/// <summary>
/// The runtime's own measurement of each run, per generated class: a <see cref="MeterListener"/> on the
/// <c>EdgeBuild.Runtime</c> meter's run-duration histogram, the instrument dotnet-counters and OpenTelemetry read
/// (docs/runtime.md). It times <c>Run()</c>, not the allocating <c>RunDynamic</c>.
/// </summary>
internal sealed class RunDurations : IDisposable
{
    private readonly MeterListener _listener = new();

    public RunDurations()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EdgeRuntimeTelemetry.MeterName && instrument.Name == EdgeRuntimeTelemetry.RunDuration)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key != EdgeRuntimeTelemetry.ClassTag || tag.Value is not string model) continue;
                lock (Milliseconds)
                {
                    if (!Milliseconds.TryGetValue(model, out var list)) Milliseconds[model] = list = [];
                    list.Add(seconds * 1000);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Run durations by the generated class's name (the <c>edgebuild.model.class</c> tag).</summary>
    public Dictionary<string, List<double>> Milliseconds { get; } = new();

    /// <summary>The median run of <paramref name="model"/> (its class's full name), or null when none was measured.</summary>
    public double? Median(string model)
    {
        foreach (var (name, list) in Milliseconds)
        {
            if (name == model || name.EndsWith("." + model, StringComparison.Ordinal)) return list.Order().ElementAt(list.Count / 2);
        }

        return null;
    }

    public void Dispose() => _listener.Dispose();
}
