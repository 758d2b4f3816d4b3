using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Quantization;

/// <summary>
/// The accuracy fallback's opt-in time budget (issue 16 item 2) on the real PP-OCR direction classifier, whose full
/// 30 dB search takes ~43 attempts: a budget its ranking alone spends stops the search at once, the one attempt that
/// settles whether the budget can hold still runs (so the budget holds), and the note and the progress say the time
/// budget is what stopped it.
/// </summary>
public class FallbackTimeBudgetTests
{
    /// <summary>Collects progress synchronously (Progress&lt;T&gt; posts to a context and may report late).</summary>
    private sealed class Recorder : IProgress<ProgressEvent>
    {
        public List<ProgressEvent> Events { get; } = [];

        public void Report(ProgressEvent value)
        {
            lock (Events) Events.Add(value);
        }
    }

    [Fact]
    public void A_spent_time_budget_stops_the_search_holds_the_budget_and_says_so()
    {
        using var dir = new TempDir();
        RealModelInt8Tests.MaterializeSplit(dir);
        var progress = new Recorder();

        var result = ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = TestAssets.Classifier,
            OutputPath = dir.File("cls-timed.onnx"),
            TargetId = "rpi5",
            Precision = "int8",
            CalibrationData = dir.File("cls-cal"),
            ValidationData = dir.File("cls-val"),
            Preprocess = RealModelInt8Tests.ClassifierPreprocess,
            MinSqnrDb = 30,
            FallbackTimeBudget = 0.001,
            Progress = progress,
        });

        var note = Assert.Single(result.Notes, n => n.StartsWith("accuracy fallback kept", StringComparison.Ordinal));
        Assert.Contains("stopped by the time budget (0.001 s: depends on this machine's speed", note);
        // Past the budget only the settling attempts run: every activation float (resort 1), then every weight (resort 2).
        var after = note.IndexOf(" after ", StringComparison.Ordinal) + 7;
        var attempts = int.Parse(note[after..note.IndexOf(' ', after)], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(attempts, 1, 2);
        Assert.True(Assert.Single(result.Accuracy).SqnrDb >= 30, $"SQNR {result.Accuracy[0].SqnrDb:F2} dB");

        var finished = Assert.Single(progress.Events, e => e.Detail.StartsWith("fallback finished", StringComparison.Ordinal));
        Assert.Contains("stopped by the time budget", finished.Detail);
        Assert.Contains(progress.Events, e => e.Detail.StartsWith("ranked ", StringComparison.Ordinal));
        Assert.Contains(progress.Events, e => e.Detail.Contains("s of 0.001 s", StringComparison.Ordinal));
    }
}
