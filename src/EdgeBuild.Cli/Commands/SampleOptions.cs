using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;

namespace EdgeBuild.Cli.Commands;

/// <summary>The `--data` / `--preprocess` pair shared by verify and bench.</summary>
internal static class SampleOptions
{
    public static SampleSource Open(string pattern, string? preprocess, ModelProto model) =>
        SampleSource.Open(pattern, SampleSource.InputsOf(model), preprocess is null ? null : ImagePreprocessing.Parse(preprocess));
}
