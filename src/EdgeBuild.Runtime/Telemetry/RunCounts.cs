using System.Diagnostics.Metrics;

namespace EdgeBuild.Runtime;

/// <summary>
/// The state behind the observable <c>edgebuild.runs</c> counter. Each live session counts its own runs in a plain
/// field (<see cref="ModelTelemetry.CountRun"/>: no atomic instruction, no listener callback per run); a collection
/// (dotnet-counters, an OpenTelemetry reader, <see cref="MeterListener.RecordObservableInstruments"/>) sums them per
/// tag set, adding what disposed sessions had counted, so the cumulative total never goes down.
/// </summary>
/// <remarks>
/// Measured on the tiny model with a MeterListener attached: <c>Counter.Add</c> per run cost about 4–8 ns plus
/// whatever the listener does per measurement (an OpenTelemetry aggregator looks up its metric point each time);
/// the field increment costs under 1 ns. docs/benchmarks-runtime.md, "Telemetry overhead".
/// </remarks>
internal static class RunCounts
{
    private static readonly object Gate = new();
    private static readonly List<ModelTelemetry> Live = [];
    private static readonly Dictionary<TagKey, Retired> Disposed = [];

    public static void Attach(ModelTelemetry session)
    {
        lock (Gate) Live.Add(session);
    }

    public static void Retire(ModelTelemetry session)
    {
        lock (Gate)
        {
            if (!Live.Remove(session)) return;
            var key = new TagKey(session.Tags);
            Disposed[key] = new Retired(Disposed.TryGetValue(key, out var before) ? before.Runs + session.Runs : session.Runs, session.Tags);
        }
    }

    /// <summary>The observable counter's callback: one measurement per tag set (collection time only, so it may allocate).</summary>
    public static IEnumerable<Measurement<long>> Observe()
    {
        lock (Gate)
        {
            var totals = new Dictionary<TagKey, Retired>(Disposed);
            foreach (var session in Live)
            {
                var key = new TagKey(session.Tags);
                totals[key] = new Retired(totals.TryGetValue(key, out var sum) ? sum.Runs + session.Runs : session.Runs, session.Tags);
            }

            return totals.Values.Select(t => new Measurement<long>(t.Runs, t.Tags)).ToArray();
        }
    }

    private readonly record struct Retired(long Runs, KeyValuePair<string, object?>[] Tags);

    /// <summary>The three tag values; sessions of the same class, target and precision share one time series.</summary>
    private readonly record struct TagKey(object? Class, object? Target, object? Precision)
    {
        public TagKey(KeyValuePair<string, object?>[] tags) : this(tags[0].Value, tags[1].Value, tags[2].Value)
        {
        }
    }
}
