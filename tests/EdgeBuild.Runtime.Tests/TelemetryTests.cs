using System.Diagnostics;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Runtime.Tests;

/// <summary>The wrappers' metrics and spans on the <c>EdgeBuild.Runtime</c> meter and activity source.</summary>
[Collection(MeasurementCollection.Name)]
public sealed class TelemetryTests
{
    /// <summary>Issue 15, acceptance 1, on the real detector.</summary>
    [Fact]
    public void Detector_reports_each_run_duration_summing_to_the_stopwatch_time_and_one_load()
    {
        using var measurements = new RuntimeMeasurements();
        using var detector = TextDetector.Create(TestAssets.Detector, DetectorWrapperTests.HostOptions());
        Assert.Equal(1, measurements.LoadCount);
        DetectorInput.Page(640, 640).CopyTo(detector.Inputs.X);
        detector.Run();
        var warmUp = measurements.RunDurationSum;

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++) detector.Run();
        stopwatch.Stop();

        Assert.Equal(101, measurements.RunDurationCount);
        Assert.Equal(101, measurements.Runs);
        Assert.Equal(0, measurements.RunFailures);
        Assert.Equal(1, measurements.LoadCount);
        var measured = measurements.RunDurationSum - warmUp;
        var ratio = measured / stopwatch.Elapsed.TotalSeconds;
        Assert.True(ratio is > 0.9 and <= 1.0 + 1e-9, $"sum of 100 run durations {measured:F3} s vs stopwatch {stopwatch.Elapsed.TotalSeconds:F3} s (ratio {ratio:F4})");
        Assert.Equal("TextDetector", measurements.LastClass);
        Assert.Equal("rpi5", measurements.LastTarget);
        Assert.Equal("none", measurements.LastPrecision);
    }

    [Fact]
    public void A_failed_run_counts_as_a_run_and_a_failure_with_its_error_type()
    {
        using var measurements = new RuntimeMeasurements();
        using var model = TinyAffine.Create();
        model.Run();
        // ORT's own way to abort a run: the real failure path, not a mock.
        model.Session.RunOptionsForTests.Terminate = true;

        Assert.ThrowsAny<Exception>(() => model.Run());

        Assert.Equal(2, measurements.Runs);
        Assert.Equal(1, measurements.RunFailures);
        Assert.Equal(2, measurements.RunDurationCount);
        Assert.Equal("Microsoft.ML.OnnxRuntime.OnnxRuntimeException", measurements.LastErrorType);
    }

    /// <summary>
    /// The runs counter is observable: sessions count in a field whether or not anyone listens, and a collection
    /// reads cumulative totals per tag set, so a late dotnet-counters sees every run and a disposed session's runs stay.
    /// </summary>
    [Fact]
    public void The_runs_counter_counts_unobserved_runs_and_keeps_a_disposed_sessions_runs()
    {
        var before = ObservedRuns("TinyAffine");
        using (var model = TinyAffine.Create())
        {
            for (var i = 0; i < 3; i++) model.Run(); // nobody listening

            Assert.Equal(before + 3, ObservedRuns("TinyAffine"));
            using var other = TinyAffine.Create();
            other.Run();
            Assert.Equal(before + 4, ObservedRuns("TinyAffine")); // two sessions, one series per tag set
        }

        Assert.Equal(before + 4, ObservedRuns("TinyAffine"));
        using var off = TinyAffine.Create(new EdgeSessionOptions { EnableTelemetry = false });
        off.Run();
        Assert.Equal(before + 4, ObservedRuns("TinyAffine"));
    }

    /// <summary>What a collector sees for <paramref name="className"/>: the runs counter's one total for its tag set.</summary>
    private static long ObservedRuns(string className)
    {
        var totals = new List<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Name == EdgeRuntimeTelemetry.Runs) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == EdgeRuntimeTelemetry.ClassTag && (string?)tag.Value == className) totals.Add(value);
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.True(totals.Count <= 1, $"{totals.Count} measurements for one tag set");
        return totals.Sum();
    }

    [Fact]
    public void A_tampered_model_counts_an_integrity_failure_and_a_failed_load()
    {
        using var measurements = new RuntimeMeasurements();
        var other = File.ReadAllBytes(Path.Combine(TinyModels.Dir, "dynamic_batch.onnx"));

        Assert.Throws<EdgeModelIntegrityException>(() => TinyAffine.Create(new MemoryStream(other)));

        Assert.Equal(1, measurements.IntegrityFailures);
        Assert.Equal(1, measurements.LoadCount);
        Assert.Equal(typeof(EdgeModelIntegrityException).FullName, measurements.LastErrorType);
    }

    [Fact]
    public void Telemetry_off_per_session_reports_nothing()
    {
        using var measurements = new RuntimeMeasurements();
        using var model = TinyAffine.Create(new EdgeSessionOptions { EnableTelemetry = false });
        model.Run();

        Assert.Equal(0, measurements.LoadCount);
        Assert.Equal(0, measurements.Runs);
        Assert.False(model.EffectiveSettings.TelemetryEnabled);
    }

    [Fact]
    public void Telemetry_off_by_the_AppContext_switch_reports_nothing()
    {
        using var measurements = new RuntimeMeasurements();
        AppContext.SetSwitch(EdgeRuntimeTelemetry.EnabledSwitch, false);
        try
        {
            using var model = TinyAffine.Create();
            model.Run();
            Assert.False(model.EffectiveSettings.TelemetryEnabled);
        }
        finally
        {
            AppContext.SetSwitch(EdgeRuntimeTelemetry.EnabledSwitch, true);
        }

        Assert.Equal(0, measurements.LoadCount);
        Assert.Equal(0, measurements.Runs);
    }

    [Fact]
    public void Spans_for_load_and_run_exist_only_while_a_listener_samples_them()
    {
        using var model = TinyAffine.Create();
        model.Run(); // no ActivityListener on this source yet: StartActivity is never reached with one

        var thread = Environment.CurrentManagedThreadId;
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EdgeRuntimeTelemetry.MeterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (Environment.CurrentManagedThreadId == thread) stopped.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);

        using var loaded = TinyAffine.Create();
        loaded.Run();
        loaded.Run();

        Assert.Equal(new[] { EdgeRuntimeTelemetry.LoadActivity, EdgeRuntimeTelemetry.RunActivity, EdgeRuntimeTelemetry.RunActivity },
            stopped.Select(a => a.OperationName));
        Assert.All(stopped, a => Assert.Equal("TinyAffine", a.GetTagItem(EdgeRuntimeTelemetry.ClassTag)));
        Assert.Equal(EdgeRuntimeTelemetry.Version, stopped[0].Source.Version);
    }

    [Fact]
    public void Meter_is_named_versioned_and_its_instruments_follow_the_documented_names_and_units()
    {
        using var model = TinyAffine.Create();
        var instruments = new List<System.Diagnostics.Metrics.Instrument>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) => { if (instrument.Meter.Name == EdgeRuntimeTelemetry.MeterName) instruments.Add(instrument); },
        };
        listener.Start();

        Assert.Equal(
            new[]
            {
                $"{EdgeRuntimeTelemetry.IntegrityFailures} {{failure}}", $"{EdgeRuntimeTelemetry.LoadDuration} s",
                $"{EdgeRuntimeTelemetry.RunDuration} s", $"{EdgeRuntimeTelemetry.RunFailures} {{run}}", $"{EdgeRuntimeTelemetry.Runs} {{run}}",
            },
            instruments.Select(i => $"{i.Name} {i.Unit}").Order(StringComparer.Ordinal));
        Assert.Matches(@"^\d+\.\d+\.\d+$", EdgeRuntimeTelemetry.Version);
        Assert.All(instruments, i => Assert.Equal(EdgeRuntimeTelemetry.Version, i.Meter.Version));
    }
}
