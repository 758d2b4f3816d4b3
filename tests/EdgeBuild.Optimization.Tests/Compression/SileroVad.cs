using EdgeBuild.Optimization.Verification;
using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// Runs a Silero VAD model the way its users do: 16 kHz audio in windows of 512 samples, the recurrent state carried from
/// one window to the next, sample rate 16000 as the int64 `sr` input (it selects the If branch). Works for the legacy model
/// (state as h and c, [2, 1, 64] each) and v5 (one state [2, 1, 128]). Speech: alsa-utils' spoken channel names, 48 kHz
/// brought to 16 kHz, scaled to [-1, 1).
/// </summary>
internal static class SileroVad
{
    public const int Window = 512;

    /// <summary>Held-out real speech: clips the compression never saw (it sees no data at all), concatenated.</summary>
    public static float[] Speech(params string[] clips) =>
        [.. clips.SelectMany(c => SpeechEmbeddingSamples.Decimate3(SpeechEmbeddingSamples.ReadPcm16(Path.Combine(TestAssets.SpeechDir, c)))).Select(v => v / 32768f)];

    /// <summary>Every window's outputs (name → values), in order.</summary>
    public static List<Dictionary<string, float[]>> Run(byte[] model, float[] audio, int maxWindows = int.MaxValue)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var states = session.InputMetadata.Where(i => i.Key is not ("input" or "sr")).ToDictionary(i => i.Key, i => new float[i.Value.Dimensions.Select(d => d < 0 ? 1 : d).Aggregate(1, (a, d) => a * d)]);
        var stateShapes = session.InputMetadata.Where(i => states.ContainsKey(i.Key)).ToDictionary(i => i.Key, i => i.Value.Dimensions.Select(d => d < 0 ? 1L : d).ToArray());
        var outputNames = session.OutputMetadata.Keys.ToList();
        var result = new List<Dictionary<string, float[]>>();
        for (var start = 0; start + Window <= audio.Length && result.Count < maxWindows; start += Window)
        {
            var names = new List<string> { "input", "sr" };
            var values = new List<OrtValue>
            {
                OrtValue.CreateTensorValueFromMemory(audio[start..(start + Window)], [1, Window]),
                OrtValue.CreateTensorValueFromMemory(new long[] { 16000 }, []),
            };
            foreach (var (name, state) in states)
            {
                names.Add(name);
                values.Add(OrtValue.CreateTensorValueFromMemory(state, stateShapes[name]));
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, values, outputNames);
            foreach (var v in values) v.Dispose();
            var window = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (var i = 0; i < outputNames.Count; i++) window[outputNames[i]] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            result.Add(window);
            // The next window's state is this window's new state: hn/cn for h/c (legacy), stateN for state (v5).
            foreach (var name in states.Keys.ToList()) states[name] = window[name == "state" ? "stateN" : name + "n"];
        }

        return result;
    }

    /// <summary>SQNR per output over all windows, candidate vs reference.</summary>
    public static Dictionary<string, OutputComparison> Compare(List<Dictionary<string, float[]>> reference, List<Dictionary<string, float[]>> candidate)
    {
        var comparisons = reference[0].Keys.ToDictionary(k => k, k => new OutputComparison(k));
        for (var w = 0; w < reference.Count; w++)
        {
            foreach (var (name, c) in comparisons) c.Add(reference[w][name], candidate[w][name], [reference[w][name].Length]);
        }

        return comparisons;
    }
}
