namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// The step ids a plan may contain, in the order the planner emits them. Each id has exactly one implementation,
/// registered in Pipeline/StepRegistry; settings per id are the step's typed settings record (docs/contracts.md §5).
/// </summary>
public static class PlanStepIds
{
    /// <summary>Semantics-preserving graph cleanup: constants to initializers, identity removal, constant and BatchNorm folding, dedup, dead code.</summary>
    public const string Cleanup = "cleanup";

    /// <summary>float16 weights and float16 compute widened to float32 (exact for the weights), so the int8 passes see the source's weights.</summary>
    public const string WidenFloat16 = "widen-float16";

    /// <summary>Inputs made up from the declared dims and element types, when the user gave no data.</summary>
    public const string SynthesizeInputs = "synthesize-inputs";

    /// <summary>Data-free plan: the static path's float rewrites (affine Mul/Add folded into convs, hard-swish chains fused), fewer ops to run.</summary>
    public const string FoldAndFuse = "fold-and-fuse";

    /// <summary>The data-free default: int8 weights per channel, computed in float (Cast→Mul), the most sensitive kept float.</summary>
    public const string CompressWeightsInt8 = "compress-weights-int8";

    /// <summary>Each compressed layer's bias absorbs the mean shift its rounded weights cause, measured on made-up inputs.</summary>
    public const string CorrectWeightBias = "correct-weight-bias";

    /// <summary>Open the samples, check the model runs on them, and collect activation ranges, streamed (memory independent of the sample count).</summary>
    public const string Calibrate = "calibrate";

    /// <summary>Static QDQ quantization with the profile's scheme.</summary>
    public const string QuantizeQdq = "quantize-qdq";

    /// <summary>Keep the most damaging quantized places in float until every output meets the budget.</summary>
    public const string ExcludeSensitiveNodes = "exclude-sensitive-nodes";

    /// <summary>Static plan: float weights no integer kernel reads (recurrent cells, embedding tables, ops the quantizer leaves float) int8 computed in float, int16 if that misses the budget.</summary>
    public const string CompressRemainingWeights = "compress-remaining-weights";

    /// <summary>Per-layer error of the quantized nodes, for the report.</summary>
    public const string MeasureLayerError = "measure-layer-error";

    /// <summary>int8 weights read only by float ops as Cast→Mul, which ORT folds at load and pre-packs.</summary>
    public const string WeightsAsCastMul = "weights-as-cast-mul";

    /// <summary>Dynamic int8 MatMul/Gemm (DynamicQuantizeMatMul): int8 weights, activations quantized at run time.</summary>
    public const string QuantizeDynamicInt8 = "quantize-dynamic-int8";

    /// <summary>Convert weights and activations to float16 (model inputs/outputs keep their types).</summary>
    public const string ConvertFp16 = "convert-fp16";

    /// <summary>Block-wise int4 weight-only quantization of MatMul/Gemm (MatMulNBits); Gather and Conv stay float.</summary>
    public const string QuantizeInt4Weights = "quantize-int4-weights";

    /// <summary>Weights widened from float16 that stayed float go back to float16 storage (Cast to float, folded at load): exact.</summary>
    public const string RestoreFloat16Weights = "restore-float16-weights";

    /// <summary>Drop default-valued attributes and shorten internal names: exact, fewer bytes.</summary>
    public const string CompactEncoding = "compact-encoding";

    /// <summary>Compare the model as it will be written with the original on validation samples and fail under the budget.</summary>
    public const string Verify = "verify";

    /// <summary>The check without data: the written bytes against the original on made-up inputs; fails a broken model.</summary>
    public const string CheckSynthetic = "check-synthetic";

    /// <summary>Write the model (after ORT loads it) and the signature manifest, atomically.</summary>
    public const string Write = "write";

    /// <summary>Estimate peak memory for the declared dims and check size and memory against the profile's budgets.</summary>
    public const string CheckBudgets = "check-budgets";

    /// <summary>Never silent: warn when weights stayed float, and say what the data-free default did.</summary>
    public const string ReviewResult = "review-result";

    public static IReadOnlyList<string> All { get; } =
    [
        Cleanup, WidenFloat16, SynthesizeInputs, FoldAndFuse, CompressWeightsInt8, CorrectWeightBias, Calibrate, QuantizeQdq, ExcludeSensitiveNodes, CompressRemainingWeights, MeasureLayerError, WeightsAsCastMul, QuantizeDynamicInt8, ConvertFp16,
        QuantizeInt4Weights, RestoreFloat16Weights, CompactEncoding, Verify, CheckSynthetic, Write, ReviewResult, CheckBudgets,
    ];
}
