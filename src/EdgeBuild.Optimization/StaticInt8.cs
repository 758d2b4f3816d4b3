using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Targets;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization;

/// <summary>
/// The int8 step of `optimize`: calibrate and quantize, then check every float output against the original on
/// validation samples; while an output misses the SQNR budget, keep the most damaging quantized nodes in float.
/// </summary>
internal static class StaticInt8
{
    public static (QuantizationSummary Summary, IReadOnlyList<OutputComparison> Accuracy) Run(
        ModelProto original, ModelProto model, OptimizeRequest request, TargetSettings target, bool signedActivations, PassContext context)
    {
        if (request.CalibrationData is null)
            throw new OptimizationInputException("EDGE0110", request.ModelPath, "int8 quantization needs calibration samples", "Pass --calibration-data with representative inputs (.npy, .pb or images)");

        // Calibration and verification hand the float model to ORT from memory, which protobuf caps at 2 GB.
        if (original.CalculateSize() is < 0 or >= int.MaxValue)
            throw new NotSupportedException($"int8 quantization of models whose protobuf exceeds 2 GB is not supported yet ({request.ModelPath}); use --precision none");

        var inputs = SampleSource.InputsOf(original);
        var preprocessing = request.Preprocess is null ? null : ImagePreprocessing.Parse(request.Preprocess);
        var calibration = SampleSource.Open(request.CalibrationData, inputs, preprocessing);
        SampleSource validation;
        if (request.ValidationData is not null) validation = SampleSource.Open(request.ValidationData, inputs, preprocessing);
        else
        {
            (calibration, validation) = calibration.SplitForValidation();
            context.Notes.Add($"no --validation-data: {validation.Count} of {calibration.Count + validation.Count} samples held out for validation (every 4th in sorted order)");
        }

        var options = new QuantizationOptions
        {
            SignedActivations = signedActivations,
            SignedWeights = target.Scheme.SignedWeights,
            PerChannel = target.Scheme.PerChannel,
            SymmetricActivations = target.Scheme.SymmetricActivations,
            ReduceRange = target.Scheme.ReduceRange,
            Calibration = request.CalibrationMethod,
            ExcludeNodes = request.ExcludeNodes.ToHashSet(StringComparer.Ordinal),
        };

        var originalBytes = original.ToByteArray();
        if (calibration.Read().FirstOrDefault() is { } first) SourceModelCheck.EnsureRuns(originalBytes, first, request.ModelPath);
        var attempt = model.Clone();
        var ranges = new Dictionary<string, Calibration.TensorRange>(StringComparer.Ordinal);
        var summary = QdqQuantizer.Quantize(attempt, calibration, options, ranges, request.Progress);
        var accuracy = ModelVerifier.Compare(originalBytes, attempt.ToByteArray(), validation, target, request.Progress);
        var failing = accuracy.Where(a => !(a.SqnrDb >= request.MinSqnrDb)).ToList();
        if (failing.Count > 0)
        {
            (attempt, summary, accuracy) = AccuracyFallback.Run(original, model, attempt, calibration, validation, options, target, request, context, ranges);
            (attempt, summary, accuracy) = WithoutUnfusedPairs(originalBytes, attempt, summary, accuracy, validation, target, request, context);
        }

        // Last, after every verification: EdgeBuild's constant folding would undo it (values are bit-identical).
        var castWeights = FloatOpWeightsAsCastMul.Run(new Onnx.Graph.OnnxGraph(attempt.Graph));
        if (castWeights > 0) context.Notes.Add($"{castWeights} int8 weight(s) read only by float ops written as Cast→Mul instead of DequantizeLinear, so ONNX Runtime folds them at load and pre-packs the weights");

        model.Graph = attempt.Graph;
        model.OpsetImport.Clear();
        model.OpsetImport.AddRange(attempt.OpsetImport);
        model.IrVersion = attempt.IrVersion;
        return (summary, accuracy);
    }

    /// <summary>
    /// The fallback leaves activation pairs whose neighbours went float; those ORT fuses into no integer kernel only
    /// round (<see cref="UnfusedActivationPairs"/>). Removed, verified again (dropping a rounding can only help, but the
    /// budget is checked, not assumed), and kept only if every output still meets it.
    /// </summary>
    private static (ModelProto, QuantizationSummary, IReadOnlyList<OutputComparison>) WithoutUnfusedPairs(byte[] originalBytes, ModelProto attempt,
        QuantizationSummary summary, IReadOnlyList<OutputComparison> accuracy, SampleSource validation, TargetSettings target, OptimizeRequest request, PassContext context)
    {
        var unfused = UnfusedActivationPairs.Find(Runtime.OrtOptimizedGraph.Of(attempt, target));
        if (unfused.Count == 0) return (attempt, summary, accuracy);
        var candidate = attempt.Clone();
        var removed = UnfusedActivationPairs.Remove(new Onnx.Graph.OnnxGraph(candidate.Graph), unfused);
        if (removed.Count == 0) return (attempt, summary, accuracy);
        var candidateAccuracy = ModelVerifier.Compare(originalBytes, candidate.ToByteArray(), validation, target);
        if (!candidateAccuracy.All(a => a.SqnrDb >= request.MinSqnrDb)) return (attempt, summary, accuracy);
        context.Notes.Add($"{removed.Count} activation Q/DQ pair(s) that ONNX Runtime fuses into no integer kernel removed: {string.Join(", ", removed.Order(StringComparer.Ordinal))}");
        var activations = summary.Activations.Where(a => !removed.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        return (candidate, summary with { Activations = activations }, candidateAccuracy);
    }
}
