using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization;

/// <summary>
/// ONNX Runtime must accept the source model before any pass touches it. A graph ORT refuses (cycles, dangling
/// inputs, duplicate names, wrong tensor sizes, unknown operators) is the input's fault and gets EDGE0101 naming
/// the file; without this check such models reached the passes or the output check and escaped as stack traces.
/// </summary>
internal static partial class SourceModelCheck
{
    public static void EnsureRuntimeAccepts(ModelProto model, string path)
    {
        // ORT accepts a graph without outputs, but dead-code elimination then leaves nothing it will load.
        if (model.Graph.Output.Count == 0)
            throw new OptimizationInputException(DiagnosticCodes.InvalidModel, path, "the graph declares no outputs", "Re-export the model with its outputs");
        try
        {
            // Fatal only: ORT's own warnings and errors go to the process's stderr, which must hold nothing but our one diagnostic line.
            using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL);
            // Past protobuf's 2 GB the model cannot be serialized in one piece (it came with external data): ORT reads
            // the file and its external data itself; ModelFile.Load has already confined that data to the model's folder.
            long size = model.CalculateSize();
            using var session = size is >= 0 and < int.MaxValue
                ? new InferenceSession(model.ToByteArray(), options)
                : new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OptimizationInputException(DiagnosticCodes.InvalidModel, path, $"ONNX Runtime cannot load the model ({OneLine(e.Message)})",
                "Fix or re-export the model; python -m onnx.checker names the broken node", e);
        }
    }

    /// <summary>
    /// widen-float16 hands every later step a float32 model of its own making (<see cref="Compression.Float16Widening"/>), the
    /// reference calibration, the checks and the fallback run. When ONNX Runtime refuses that model, the source is not at fault
    /// and neither are the samples: without this check the refusal surfaced later as EDGE0101 "cannot run the model on sample
    /// …" (calibration) or as an internal error (the data-free steps). One extra load, with no graph optimizations.
    /// </summary>
    /// <exception cref="OptimizationInputException">EDGE0202, naming the source model, ORT's reason and the precisions that need no widening.</exception>
    /// <exception cref="NotSupportedException">The widened model's protobuf reaches 2 GB: ORT cannot be handed it, and no later step could either.</exception>
    public static void EnsureRuntimeAcceptsWidened(ModelProto widened, string path)
    {
        long size = widened.CalculateSize();
        if (size is < 0 or >= int.MaxValue)
            throw new NotSupportedException($"int8 of a float16 model whose float32 form exceeds 2 GB is not supported yet ({path}); use --precision fp16 or none");
        try
        {
            using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL);
            using var session = new InferenceSession(widened.ToByteArray(), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OptimizationInputException(DiagnosticCodes.Float16WideningRejected, path,
                $"widen-float16 made a float32 model ONNX Runtime rejects ({OneLine(e.Message)})",
                "Build with Precision=\"fp16\" or \"none\" instead (--precision fp16 or none), and report the model: widening should not break it", e);
        }
    }

    /// <summary>
    /// Loading is not enough: a model can load and still fail when run (a Conv whose group does not divide its
    /// channels, a kernel larger than its input). Before calibrating, the source model runs once on the first sample;
    /// failing there is the model's (or the sample's) fault, EDGE0101 naming both, not an internal error later on.
    /// </summary>
    public static void EnsureRuns(byte[] model, Data.Sample sample, string path)
    {
        try
        {
            using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_ENABLE_BASIC);
            using var session = new InferenceSession(model, options);
            using var _ = Runtime.Sessions.Run(session, sample, session.OutputMetadata.Keys.ToList());
        }
        catch (OnnxRuntimeException e)
        {
            throw new OptimizationInputException(DiagnosticCodes.InvalidModel, path, $"ONNX Runtime cannot run the model on sample '{sample.Source}' ({OneLine(e.Message)})",
                "Check the samples have the input's shape and type, and that the model runs in ONNX Runtime; python -m onnx.checker names broken nodes", e);
        }
    }

    /// <summary>ORT messages carry source locations and sometimes newlines; the diagnostic must stay one line.</summary>
    internal static string OneLine(string message) =>
        WithoutSourceLocations(string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))).TrimEnd('.');

    /// <summary>
    /// Drops ORT's `/onnxruntime_src/.../graph.cc:1441 onnxruntime::Graph::Graph(const onnxruntime::Model&amp;, ...)`
    /// prefixes: a C++ file and signature in a user's build log reads like a native crash and names nothing to fix.
    /// </summary>
    private static string WithoutSourceLocations(string message)
    {
        var m = SourceLocation().Match(message);
        if (!m.Success) return message;
        var rest = m.Index + m.Length;
        if (m.Groups["signature"].Success)
        {
            var depth = 0;
            for (var i = rest; i < message.Length; i++)
            {
                if (message[i] == '(') depth++;
                else if (message[i] == ')' && --depth == 0)
                {
                    rest = i + 1;
                    break;
                }
            }

            if (depth != 0) return message; // unbalanced: keep everything rather than guess
        }

        return message[..m.Index] + message[rest..].TrimStart();
    }

    /// <summary>A source file and line, optionally followed by a qualified C++ function name up to its '('.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:/[^\s:]+|\b[\w.]+)\.(?:cc|cpp|h):\d+ (?<signature>(?:[\w:<>*&]+ )?[\w:~<>]+::[\w~]+(?=\())?", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SourceLocation();
}
