using EdgeBuild.Runtime;
using EdgeBuild.Runtime.Overhead;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Benchmarks.Runtime;

/// <summary>
/// <c>-- run-overhead [pairs] [rounds]</c>: issue 15's acceptance 4 on the PP-OCRv4 detector, the comparisons of
/// <c>RunOverheadTests</c> (<see cref="OverheadSettings"/>, <see cref="InterleavedRuns"/>) repeated <c>rounds</c>
/// times in one process: the default <c>Create()</c> against a hand-written IoBinding loop with ORT's default
/// session settings (wall clock), and both with equal explicit settings (process CPU time; wall clock printed too).
/// Each round prints its median pair ratio; the last lines give the median over rounds.
/// </summary>
internal static class RunOverheadInterleaved
{
    public static int Run(string[] args)
    {
        var pairs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 40;
        var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var model = Path.Combine(
            Environment.GetEnvironmentVariable("EDGEBUILD_ASSETS") is { Length: > 0 } dir
                ? dir
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgebuild", "assets"),
            "models", "ch_PP-OCRv4_det_infer.onnx");

        var results = new List<Comparison>();
        using (var wrapper = TextDetector.Create(model))
        using (var options = new SessionOptions())
        using (var raw = new RawIoBindingLoop(model, TextDetector.ModelInfo, options))
        {
            Console.WriteLine($"default Create(): {wrapper.EffectiveSettings}");
            results.AddRange(Rounds("default Create() vs ORT defaults", wrapper, raw, pairs, rounds, Clock.Wall));
        }

        using (var wrapper = TextDetector.Create(model, OverheadSettings.EqualWrapper()))
        using (var options = OverheadSettings.EqualRaw())
        using (var raw = new RawIoBindingLoop(model, TextDetector.ModelInfo, options))
        {
            results.AddRange(Rounds("equal explicit settings", wrapper, raw, pairs, rounds, Clock.ProcessCpu));
            results.AddRange(Rounds("equal explicit settings", wrapper, raw, pairs, rounds, Clock.Wall));
        }

        foreach (var group in results.GroupBy(r => (r.What, r.Clock)))
        {
            var bound = group.Key.What.StartsWith("default", StringComparison.Ordinal) ? OverheadSettings.DefaultBound : OverheadSettings.EqualBound;
            Console.WriteLine($"SUMMARY {group.Key.What} ({group.Key.Clock} clock): median over {group.Count()} rounds of the median pair ratio " +
                              $"{InterleavedRuns.Median(group.Select(r => r.MedianRatio).ToArray()):F3} " +
                              $"(rounds: {string.Join(", ", group.Select(r => r.MedianRatio.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}; bound {bound})");
        }

        return 0;
    }

    private static IEnumerable<Comparison> Rounds(string what, TextDetector wrapper, RawIoBindingLoop raw, int pairs, int rounds, Clock clock)
    {
        var input = wrapper.Inputs.X;
        for (var i = 0; i < input.Length; i++) input[i] = (i % 251) / 251f - 0.5f;
        input.CopyTo(raw.Input);
        for (var i = 0; i < 3; i++)
        {
            wrapper.Run();
            raw.Run();
        }

        var worst = 0f;
        var output = wrapper.Outputs.Sigmoid0Tmp0;
        for (var i = 0; i < output.Length; i++) worst = Math.Max(worst, Math.Abs(output[i] - raw.Output[i]));
        if (worst > 1e-5f) throw new InvalidOperationException($"wrapper and raw outputs differ by {worst}");

        for (var r = 0; r < rounds; r++)
        {
            var comparison = InterleavedRuns.Compare(what, wrapper.Run, raw.Run, pairs, clock);
            Console.WriteLine($"round {r + 1}: {comparison}");
            yield return comparison;
        }
    }
}
