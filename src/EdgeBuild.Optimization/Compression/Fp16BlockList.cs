namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Ops that fp16 conversion leaves in float32, with Casts around them. Three reasons: the op's schema has no
/// float16 type or ties an input to float32 (the classic ML ops, Resize/Upsample scales, RoiAlign rois); its
/// result loses too much in half precision (sums, products and cumulative sums over many elements overflow or
/// swallow small addends, and Range/TopK/NonMaxSuppression compare or count in the value domain); or the
/// graph is already quantized (Q/DQ scales are float32 before opset 19). This is onnxconverter-common's
/// default block list plus the accumulating reductions and Q/DQ.
/// ONNX Runtime's CPU EP has float16 kernels for very few compute ops (mostly on ARM64 with fp16 vector
/// support); where none exists it inserts Casts around the node by itself, so the model still runs.
/// </summary>
public static class Fp16BlockList
{
    public static readonly IReadOnlySet<string> Default = new HashSet<string>(StringComparer.Ordinal)
    {
        // Schema has no float16, or an input is fixed to float32.
        "ArrayFeatureExtractor", "Binarizer", "CastMap", "CategoryMapper", "DictVectorizer", "FeatureVectorizer",
        "Imputer", "LabelEncoder", "LinearClassifier", "LinearRegressor", "Normalizer", "OneHotEncoder",
        "SVMClassifier", "SVMRegressor", "Scaler", "TreeEnsembleClassifier", "TreeEnsembleRegressor", "ZipMap",
        "RandomUniformLike", "Resize", "Upsample", "RoiAlign",
        // Compare, count or index in the value domain: half precision changes which element wins.
        "NonMaxSuppression", "TopK", "Range", "Min", "Max",
        // Accumulate over many elements: overflow beyond 65504 or lose small addends.
        "CumSum", "ReduceSum", "ReduceSumSquare", "ReduceProd", "ReduceLogSumExp", "ReduceL1", "ReduceL2",
        // Already quantized graphs keep their float32 scales.
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
    };
}
