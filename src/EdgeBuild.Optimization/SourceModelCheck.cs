using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization;

/// <summary>
/// ONNX Runtime must accept the source model before any pass touches it. A graph ORT refuses (cycles, dangling
/// inputs, duplicate names, wrong tensor sizes, unknown operators) is the input's fault and gets EDGE0101 naming
/// the file; without this check such models reached the passes or the output check and escaped as stack traces.
/// </summary>
internal static class SourceModelCheck
{
    public static void EnsureRuntimeAccepts(ModelProto model, string path)
    {
        // ORT accepts a graph without outputs, but dead-code elimination then leaves nothing it will load.
        if (model.Graph.Output.Count == 0)
            throw new OptimizationInputException("EDGE0101", path, "the graph declares no outputs", "Re-export the model with its outputs");
        try
        {
            // Fatal only: ORT's own warnings and errors go to the process's stderr, which must hold nothing but our one diagnostic line.
            using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL);
            using var session = new InferenceSession(model.ToByteArray(), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OptimizationInputException("EDGE0101", path, $"ONNX Runtime cannot load the model ({OneLine(e.Message)})",
                "Fix or re-export the model; python -m onnx.checker names the broken node", e);
        }
    }

    /// <summary>ORT messages carry source locations and sometimes newlines; the diagnostic must stay one line.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
}
