using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Targets;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// The fp16, int4 and dynamic int8 steps of `optimize`: run the pass on the cleaned-up model, then, when samples
/// were given, check every float output against the original. None of these has a fallback (there is no
/// per-node choice to make that calibration would inform), so a missed SQNR budget is an error, not a retry.
/// </summary>
internal static class CompressionStep
{
    public static IReadOnlyList<OutputComparison> Fp16(ModelProto original, ModelProto model, OptimizeRequest request, TargetSettings target, PassContext context)
    {
        Float16Conversion.Run(model, context, excludeNodes: request.ExcludeNodes.ToHashSet(StringComparer.Ordinal));
        return Check(original, model, request, target, context, "fp16");
    }

    public static IReadOnlyList<OutputComparison> Int4(ModelProto original, ModelProto model, OptimizeRequest request, TargetSettings target, PassContext context)
    {
        var converted = Int4MatMulQuantizer.Run(model, context, target.Int4BlockSize, symmetric: true, request.ExcludeNodes.ToHashSet(StringComparer.Ordinal));
        if (converted == 0) context.Notes.Add("int4: the model has no MatMul with a constant 2-D weight; it is unchanged apart from cleanup (int4 is for MatMul-heavy models, use int8 for CNNs)");
        return Check(original, model, request, target, context, "int4");
    }

    public static IReadOnlyList<OutputComparison> DynamicInt8(ModelProto original, ModelProto model, OptimizeRequest request, TargetSettings target, PassContext context)
    {
        var options = new DynamicInt8Quantizer.Options(target.Scheme.PerChannel, target.Scheme.ReduceRange, request.ExcludeNodes.ToHashSet(StringComparer.Ordinal));
        DynamicInt8Quantizer.Run(model, context, options);
        return Check(original, model, request, target, context, "dynamic int8");
    }

    private static IReadOnlyList<OutputComparison> Check(ModelProto original, ModelProto model, OptimizeRequest request, TargetSettings target, PassContext context, string what)
    {
        var data = request.ValidationData ?? request.CalibrationData;
        if (data is null)
        {
            context.Notes.Add($"{what}: no --validation-data, accuracy not measured");
            return [];
        }

        var preprocessing = request.Preprocess is null ? null : ImagePreprocessing.Parse(request.Preprocess);
        var samples = SampleSource.Open(data, SampleSource.InputsOf(original), preprocessing);
        var accuracy = ModelVerifier.Compare(original.ToByteArray(), model.ToByteArray(), samples, target, request.Progress);
        var failing = accuracy.Where(a => !(a.SqnrDb >= request.MinSqnrDb)).ToList();
        if (failing.Count > 0)
        {
            throw new AccuracyBudgetException(request.ModelPath,
                $"{what} misses the accuracy budget of {request.MinSqnrDb:0.#} dB",
                "Keep the worst nodes in float with --exclude-nodes, lower --min-sqnr, or use another precision",
                failing.Select(a => $"{a.Name}: SQNR {a.SqnrDb:F1} dB (worst sample {a.WorstSampleSqnrDb:F1} dB)").ToList());
        }

        return accuracy;
    }
}
