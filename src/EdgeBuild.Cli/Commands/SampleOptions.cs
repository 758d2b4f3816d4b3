using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;

namespace EdgeBuild.Cli.Commands;

/// <summary>The `--data` / `--preprocess` pair shared by verify and bench.</summary>
internal static class SampleOptions
{
    public const string Usage = """
          --preprocess SPEC      how images become inputs, e.g. "resize=fit:640:32;channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw"
        """;

    public static SampleSource Open(string pattern, string? preprocess, ModelProto model) =>
        SampleSource.Open(pattern, SampleSource.InputsOf(model), preprocess is null ? null : ImagePreprocessing.Parse(preprocess));
}
