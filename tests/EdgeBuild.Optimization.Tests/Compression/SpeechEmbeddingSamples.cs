using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// Inputs for openWakeWord's embedding model from real speech, the way openWakeWord makes them: 16 kHz int16-scale
/// audio → its melspectrogram model → x/10 + 2 → windows of 76 frames every 8 frames, each [1, 76, 32, 1].
/// The speech is alsa-utils' spoken channel names (48 kHz, brought to 16 kHz by a 3-tap box filter and 3:1 decimation:
/// enough for a speech-like spectrum below 8 kHz). Written as .npy, one per window.
/// </summary>
internal static class SpeechEmbeddingSamples
{
    public const int Frames = 76, Bands = 32, Stride = 8;

    public static readonly string[] CalibrationClips = ["Front_Center.wav", "Front_Left.wav", "Rear_Center.wav", "Rear_Left.wav", "Side_Left.wav"];

    public static readonly string[] ValidationClips = ["Front_Right.wav", "Rear_Right.wav", "Side_Right.wav"];

    /// <summary>Writes one .npy per 76-frame window of each clip into <paramref name="folder"/> and returns it.</summary>
    public static string Write(string folder, IEnumerable<string> clips)
    {
        Directory.CreateDirectory(folder);
        var melModel = File.ReadAllBytes(TestAssets.WakewordMelspectrogram);
        foreach (var clip in clips)
        {
            var audio = Decimate3(ReadPcm16(Path.Combine(TestAssets.SpeechDir, clip)));
            var mel = OrtRun.Run(melModel, ("input", audio, [1, audio.Length])).Values.Single();
            var frames = mel.Length / Bands;
            for (int start = 0, w = 0; start + Frames <= frames; start += Stride, w++)
            {
                var window = new float[Frames * Bands];
                for (var i = 0; i < window.Length; i++) window[i] = mel[start * Bands + i] / 10f + 2f;
                Npy.Write(Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(clip)}-{w:D2}.npy"), window, 1, Frames, Bands, 1);
            }
        }

        return folder;
    }

    /// <summary>The samples of a mono 16-bit PCM WAV file, at int16 scale (openWakeWord feeds the model int16 values).</summary>
    internal static float[] ReadPcm16(string path)
    {
        var bytes = File.ReadAllBytes(path);
        for (var at = 12; at + 8 <= bytes.Length;)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, at, 4);
            var size = BitConverter.ToInt32(bytes, at + 4);
            if (id == "data")
            {
                var samples = new float[Math.Min(size, bytes.Length - at - 8) / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BitConverter.ToInt16(bytes, at + 8 + 2 * i);
                return samples;
            }

            at += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path}: no data chunk");
    }

    internal static float[] Decimate3(float[] x)
    {
        var y = new float[x.Length / 3];
        for (var i = 0; i < y.Length; i++) y[i] = (x[3 * i] + x[3 * i + 1] + x[3 * i + 2]) / 3f;
        return y;
    }
}
