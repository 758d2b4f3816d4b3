using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// Appends the profile's execution providers that the installed ONNX Runtime build has, in preference order.
/// A provider that is missing or fails to initialize is logged and skipped: the CPU provider, which ONNX Runtime
/// always registers last, runs whatever the others do not take.
/// </summary>
internal static class ExecutionProviders
{
    private static readonly Dictionary<string, string> OrtNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cpu"] = "CPUExecutionProvider",
        ["cuda"] = "CUDAExecutionProvider",
        ["tensorrt"] = "TensorrtExecutionProvider",
        ["dml"] = "DmlExecutionProvider",
        ["xnnpack"] = "XnnpackExecutionProvider",
        ["qnn"] = "QNNExecutionProvider",
        ["openvino"] = "OpenVINOExecutionProvider",
        ["coreml"] = "CoreMLExecutionProvider",
        ["nnapi"] = "NnapiExecutionProvider",
    };

    /// <summary>Appends the providers and returns the EdgeBuild names of the ones that were registered.</summary>
    public static IReadOnlyList<string> Append(SessionOptions options, IReadOnlyList<string> preferred, Action<string> log)
    {
        var registered = new List<string>();
        if (preferred.Count == 0)
        {
            registered.Add("cpu");
            return registered;
        }

        var available = new HashSet<string>(OrtEnv.Instance().GetAvailableProviders(), StringComparer.OrdinalIgnoreCase);
        foreach (var name in preferred)
        {
            if (string.Equals(name, "cpu", StringComparison.OrdinalIgnoreCase))
            {
                // ORT appends CPU itself after every explicit provider; nothing to do, and nothing after CPU matters.
                break;
            }

            if (!OrtNames.TryGetValue(name, out var ortName))
            {
                log($"EdgeBuild: execution provider '{name}' is unknown; falling back to the next provider (known: {string.Join(", ", OrtNames.Keys)}).");
                continue;
            }

            if (!available.Contains(ortName))
            {
                log($"EdgeBuild: execution provider '{name}' ({ortName}) is not in this ONNX Runtime build; falling back to the next provider. " +
                    "Reference the ONNX Runtime package that ships it (for example Microsoft.ML.OnnxRuntime.Gpu for cuda/tensorrt).");
                continue;
            }

            try
            {
                AppendOne(options, name.ToLowerInvariant());
                registered.Add(name.ToLowerInvariant());
            }
            catch (OnnxRuntimeException e)
            {
                log($"EdgeBuild: execution provider '{name}' failed to initialize ({e.Message}); falling back to the next provider.");
            }
        }

        registered.Add("cpu");
        return registered;
    }

    private static void AppendOne(SessionOptions options, string name)
    {
        switch (name)
        {
            case "cuda": options.AppendExecutionProvider_CUDA(0); break;
            case "tensorrt": options.AppendExecutionProvider_Tensorrt(0); break;
            case "dml": options.AppendExecutionProvider_DML(0); break;
            case "xnnpack": options.AppendExecutionProvider("XNNPACK", new Dictionary<string, string>()); break;
            case "qnn": options.AppendExecutionProvider("QNN", new Dictionary<string, string>()); break;
            case "openvino": options.AppendExecutionProvider_OpenVINO(); break;
            case "coreml": options.AppendExecutionProvider("CoreML", new Dictionary<string, string>()); break;
            case "nnapi": options.AppendExecutionProvider_Nnapi(); break;
            default: throw new NotSupportedException($"Execution provider '{name}' has no registration in EdgeBuild.Runtime.");
        }
    }
}
