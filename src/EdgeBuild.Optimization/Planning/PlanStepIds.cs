namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// The step ids a plan may contain, in the order the planner emits them. The pipeline maps each id
/// to its implementation; an id it does not implement must fail with NotSupportedException naming it,
/// never be skipped silently. Settings per id are listed in docs/contracts.md section 5.
/// </summary>
public static class PlanStepIds
{
    /// <summary>Semantics-preserving graph cleanup: constants to initializers, identity removal, constant and BatchNorm folding, dedup, dead code.</summary>
    public const string Cleanup = "cleanup";

    /// <summary>ONNX Runtime offline graph optimization, saved at <c>level</c> (never above the profile's portable maximum).</summary>
    public const string OrtOfflineOptimize = "ort-offline-optimize";

    /// <summary>Collect activation ranges from calibration samples, streamed (memory independent of the sample count).</summary>
    public const string Calibrate = "calibrate";

    /// <summary>Static QDQ quantization with the profile's scheme.</summary>
    public const string QuantizeQdq = "quantize-qdq";

    /// <summary>Measure per-node sensitivity and keep the worst nodes in float until the output SQNR meets the minimum.</summary>
    public const string ExcludeSensitiveNodes = "exclude-sensitive-nodes";

    /// <summary>Convert weights and activations to float16 (model inputs/outputs keep their types).</summary>
    public const string ConvertFp16 = "convert-fp16";

    /// <summary>Block-wise int4 weight-only quantization of MatMul/Gemm (MatMulNBits); Gather and Conv stay float.</summary>
    public const string QuantizeInt4Weights = "quantize-int4-weights";

    /// <summary>Compare optimized vs original outputs on validation samples (SQNR per output) and fail under the minimum.</summary>
    public const string Verify = "verify";

    /// <summary>Estimate peak memory for the declared dims and check size and memory against the profile's budgets.</summary>
    public const string CheckBudgets = "check-budgets";

    public static IReadOnlyList<string> All { get; } =
        [Cleanup, OrtOfflineOptimize, Calibrate, QuantizeQdq, ExcludeSensitiveNodes, ConvertFp16, QuantizeInt4Weights, Verify, CheckBudgets];
}
