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
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
            };
            // Past protobuf's 2 GB the model cannot be serialized in one piece (it came with external data): ORT reads
            // the file and its external data itself; ModelFile.Load has already confined that data to the model's folder.
            long size = model.CalculateSize();
            using var session = size is >= 0 and < int.MaxValue
                ? new InferenceSession(model.ToByteArray(), options)
                : new InferenceSession(path, options);
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
