using System.Globalization;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Pipeline;
using EdgeBuild.Optimization.Pipeline.Steps;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Verification;

namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// Profile + request → ordered plan steps with typed settings and reasons: every decision about what runs is made
/// here, once, and the pipeline runs exactly these steps (<see cref="PlanRunner"/>). Deterministic and free of I/O:
/// the same inputs always give the same plan, so the plan can be part of the report and the cache key.
/// </summary>
public static class OptimizationPlanner
{
    /// <summary>The SQNR floor when the item sets none: int8 CNN outputs usually land well above 30 dB when healthy.</summary>
    public const double DefaultMinSqnrDb = 30;

    /// <summary>Made-up samples when no data is given: enough to reach each If branch a sample-rate input selects.</summary>
    private const int SyntheticInputCount = 4, SyntheticInputSeed = 17;

    /// <summary>Data-free: smaller weights stay float (the bytes they would save are noise; rounding them costs accuracy).</summary>
    private const int DataFreeMinElements = 512;

    /// <summary>
    /// Data-free: the smallest weights, together an eighth of the weight values, are int16, not int8. Early layers are
    /// small and the network amplifies their rounding most; on the PP-OCRv4 detector all-int8 weights give 0.264x and
    /// 16 dB on held-out images (docs/optimization.md has the measurements).
    /// </summary>
    private const double DataFreeInt16Share = 0.125;

    /// <summary>
    /// Data-free: at most this many weights kept float by the sensitivity search on made-up inputs, and the attempts it may
    /// cost. One: on Silero VAD v5 the first pick lifts real speech from 20 to 34 dB, further picks lift only the made-up
    /// figure (docs/optimization.md). 32 attempts: the small control-flow models get the search in seconds; the PP-OCRv4
    /// detector (50 candidates, 125 s a round) does not, and its made-up inputs rank the wrong layers anyway.
    /// </summary>
    private const int DataFreeMaxFloatTensors = 1, DataFreeMaxSearchAttempts = 32;

    /// <summary>
    /// Data-free dynamic int8 (profiles with <see cref="DataFreeMatMul.DynamicInt8"/>): MatMul/Gemm with at least this many
    /// output columns. The recognizer's 120-360-wide layers gain; the classifier's 2-column head and the mel filterbank's
    /// 32 columns (which feed a Log) stay with the weight compression.
    /// </summary>
    private const int DataFreeDynamicMinColumns = 64;

    /// <param name="profile">The target's profile.</param>
    /// <param name="request">The item's or command line's options.</param>
    /// <param name="float16">What the loaded source stores as float16 (<see cref="Float16Widening.Inspect"/>); null: nothing.</param>
    /// <exception cref="OptimizationInputException">EDGE0002 for an unknown precision or --dynamic without int8; EDGE0110 for int8 without samples.</exception>
    public static OptimizationPlan Plan(DeviceProfile profile, OptimizeRequest request, Float16Widening.Survey? float16 = null)
    {
        if (!Precisions.IsKnown(request.Precision))
            throw new OptimizationInputException(DiagnosticCodes.Usage, "--precision", $"unknown precision '{request.Precision}'", $"Use one of: {Precisions.List}");
        var asked = Enum.Parse<Precision>(request.Precision, ignoreCase: true);
        // The one line (no CalibrationData) must build: auto then means a plan that needs no samples.
        var dataFree = asked == Precision.Auto && request.CalibrationData is null && !request.Dynamic;
        var precision = asked != Precision.Auto ? asked
            : dataFree && profile.Precision.Fp16Accelerated ? Precision.Fp16
            : profile.Precision.DefaultPrecision;
        if (request.Dynamic && precision != Precision.Int8)
            throw new OptimizationInputException(DiagnosticCodes.Usage, "--dynamic", $"--dynamic applies to int8 only, not to precision '{PlanValue.Of(precision)}'", "Use --precision int8 --dynamic, or drop --dynamic");

        var steps = new List<PlanStep>
        {
            PlanStep.Create(PlanStepIds.Cleanup, "always: fold constants and BatchNorm, drop identities and dead nodes, so later steps see the real graph", NoSettings.Instance),
        };
        // int8/int4 passes quantize float32 values only: an fp16-stored source would otherwise come out at 1.00x (EDGE0220).
        if (float16 is { Any: true } half && precision is Precision.Int8 or Precision.Uint8 or Precision.Int4)
        {
            steps.Add(PlanStep.Create(PlanStepIds.WidenFloat16,
                string.Create(CultureInfo.InvariantCulture, $"the source stores {half.Tensors} weight/constant tensor(s) ({half.Values:N0} values) as float16{(half.ComputesInFloat16 ? " and computes in float16" : "")}: ")
                + "widened to float32 (exact for the weights), so they are quantized like any float32 weight; that float32 model is the reference the checks compare against",
                NoSettings.Instance));
        }

        var warnings = new List<string>();
        var checkWithoutData = precision != Precision.None && request.ValidationData is null && request.CalibrationData is null;
        // The data-free int8 weights' bias correction measures mean inputs on made-up ones even when ValidationData is
        // given: validation data must stay held out.
        var dataFreeInt8 = dataFree && precision == Precision.Int8;
        if (checkWithoutData || dataFreeInt8)
        {
            steps.Add(PlanStep.Create(PlanStepIds.SynthesizeInputs,
                (checkWithoutData ? "no data given: " : "ValidationData stays held out: ")
                + "inputs made up from the declared dims and element types (image-like images, zero state, the integer values the model tests for), "
                + (checkWithoutData ? "to check the result runs and stays close to the original" : "to measure the mean inputs the weights' bias correction needs"),
                new SynthesizeInputsSettings(SyntheticInputCount, SyntheticInputSeed, request.SyntheticValues)));
        }

        switch (precision)
        {
            case Precision.Int8 when dataFree:
                steps.Add(PlanStep.Create(PlanStepIds.FoldAndFuse,
                    "the weights compute in float, so the time is the graph's: the static int8 path's float rewrites (constant Mul/Add after a conv folded into it, hard-swish chains fused, division by a constant as a product), "
                    + "exact up to float rounding (PP-OCRv4 detector: 0.74x the unrewritten graph's latency, docs/optimization.md)",
                    NoSettings.Instance));
                if (profile.Precision.DataFreeMatMul == DataFreeMatMul.DynamicInt8)
                {
                    steps.Add(PlanStep.Create(PlanStepIds.QuantizeDynamicInt8,
                        $"auto without CalibrationData on {profile.Id}: MatMul/Gemm (at least {DataFreeDynamicMinColumns} output columns) as DynamicQuantizeMatMul, activations quantized per run, so no samples are needed; "
                        + "its integer MatMul gains here (PP-OCRv4 recognizer: 0.29 ms against float's 0.66 ms, docs/optimization.md)",
                        new QuantizeDynamicInt8Settings(profile.Precision.PerChannel, profile.Precision.ReduceRange, request.ExcludeNodes, DataFreeDynamicMinColumns)));
                }

                steps.Add(PlanStep.Create(PlanStepIds.CompressWeightsInt8,
                    $"auto without CalibrationData: int8 weights per channel (the smallest, an eighth of the values, int16) computed in float (Cast→Mul, folded by ONNX Runtime at load), inside If/Loop/Scan bodies too: about 0.3x the size on float kernels (every weight int16 instead when int8 breaks the model on the made-up inputs); "
                    + "integer kernels need activation ranges, which CalibrationData buys",
                    new CompressWeightsInt8Settings(DataFreeMinElements, DataFreeInt16Share, request.ExcludeNodes, request.MinSqnrDb, DataFreeMaxFloatTensors, DataFreeMaxSearchAttempts, SyntheticCheck.WildlyDifferentDb,
                        SearchOnMadeUpInputs: checkWithoutData)));
                steps.Add(PlanStep.Create(PlanStepIds.CorrectWeightBias,
                    "rounded weights shift each layer's mean output by (rounding error)·(mean input), and the network carries the shift on like a signal: each layer's bias takes it back, "
                    + "measured on the made-up inputs (PP-OCRv4 recognizer: its extra spaces gone, docs/optimization.md)",
                    new CorrectWeightBiasSettings(request.Preprocess)));
                break;
            case Precision.Int8 when request.Dynamic:
                steps.Add(PlanStep.Create(PlanStepIds.QuantizeDynamicInt8,
                    "--dynamic: MatMul/Gemm weights int8 offline, activations quantized at run time (transformers, RNNs); Conv stays float (ConvInteger is slower than float)",
                    new QuantizeDynamicInt8Settings(profile.Precision.PerChannel, profile.Precision.ReduceRange, request.ExcludeNodes)));
                break;
            case Precision.Int8:
            case Precision.Uint8:
                AddStaticQuantization(profile, request, precision, steps);
                break;
            case Precision.Fp16:
                steps.Add(PlanStep.Create(PlanStepIds.ConvertFp16,
                    profile.Precision.Fp16Accelerated
                        ? $"{profile.Id}: fp16 runs on accelerated kernels ({profile.Accelerator ?? string.Join("/", profile.Session.ExecutionProviders)}); half the weight bytes"
                        : $"fp16 requested; halves the weight bytes, but {profile.Id}'s CPU EP mostly emulates fp16 with Casts",
                    new ConvertFp16Settings(request.ExcludeNodes)));
                if (!profile.Precision.Fp16Accelerated)
                    warnings.Add($"fp16 on {profile.Id} is mostly unaccelerated (Pi 5 users saw ~4x slower with Cast overhead); int8 is the fast path here");
                break;
            case Precision.Int4:
                steps.Add(PlanStep.Create(PlanStepIds.QuantizeInt4Weights,
                    "int4 weight-only, block-wise (MatMulNBits): shrinks MatMul/Gemm weights; Conv stays float (no int4 Conv kernels)",
                    new QuantizeInt4WeightsSettings(profile.Precision.Int4BlockSize, Symmetric: true, request.ExcludeNodes)));
                break;
        }

        if (steps.Any(s => s.Id == PlanStepIds.WidenFloat16))
        {
            steps.Add(PlanStep.Create(PlanStepIds.RestoreFloat16Weights,
                "widened weights that stayed float (too small to quantize, or kept float for accuracy) go back to float16 storage, read through a Cast ONNX Runtime folds at load: exact, and nothing the source stored in 2 bytes costs 4",
                NoSettings.Instance));
        }

        if (precision != Precision.None)
        {
            steps.Add(PlanStep.Create(PlanStepIds.CompactEncoding,
                "exact: attributes at their default values and long exporter names carry no information, only bytes", NoSettings.Instance));
            steps.Add(checkWithoutData
                ? PlanStep.Create(PlanStepIds.CheckSynthetic,
                    $"no ValidationData: the written bytes against the original on the made-up inputs; NaN or an output under {PlanValue.Of(SyntheticCheck.WildlyDifferentDb)} dB fails the build. A smoke test, not an accuracy measurement",
                    new CheckSyntheticSettings(SyntheticCheck.WildlyDifferentDb))
                : Verification(precision, request));
        }

        steps.Add(PlanStep.Create(PlanStepIds.Write,
            $"the verified model to {Path.GetFileName(request.OutputPath)}" + (request.ManifestPath is null ? "" : ", and the signature manifest the source generator reads"),
            NoSettings.Instance));
        if (precision != Precision.None)
        {
            steps.Add(PlanStep.Create(PlanStepIds.ReviewResult,
                "never silent: a result over 0.9x the source, or with most weight bytes still float32, warns with the reasons (EDGE0220)"
                + (dataFree && precision == Precision.Int8 ? "; the data-free default says what it did and what CalibrationData adds (EDGE0221)" : ""),
                NoSettings.Instance));
        }

        steps.Add(Budgets(profile, request));
        return new OptimizationPlan { Target = profile.Id, Precision = precision, Steps = steps, Warnings = warnings };
    }

    /// <summary>Static QDQ: int8/uint8 with calibration samples (without them, auto is the data-free plan and explicit int8 an error).</summary>
    private static bool IsStatic(Precision precision, OptimizeRequest request) =>
        precision is Precision.Int8 or Precision.Uint8 && !request.Dynamic && request.CalibrationData is not null;

    private static PlanStep Verification(Precision precision, OptimizeRequest request)
    {
        // Parsed here too so a bad spec fails before minutes of calibration (EDGE0002 naming the fix).
        var budget = EdgeBuild.Optimization.Verification.AccuracyBudget.From(request.MinSqnrDb, request.Accuracy, request.ModelPath);
        var why = $"CI must fail when the optimized model drifts: on the bytes that are written, {budget.Describe()}";
        if (IsStatic(precision, request))
        {
            return PlanStep.Create(PlanStepIds.Verify,
                why + (request.ValidationData is null ? " (no ValidationData: on every 4th calibration sample, held out)" : " (on ValidationData)"),
                new VerifySettings(request.MinSqnrDb, Data: null, Preprocess: null, request.Accuracy));
        }

        // Not static: the samples are the user's validation data, else the calibration data (unused by these precisions).
        var data = request.ValidationData ?? request.CalibrationData;
        return PlanStep.Create(PlanStepIds.Verify, why, new VerifySettings(request.MinSqnrDb, data, request.Preprocess, request.Accuracy));
    }

    private static void AddStaticQuantization(DeviceProfile profile, OptimizeRequest request, Precision precision, List<PlanStep> steps)
    {
        if (request.CalibrationData is null)
            throw new OptimizationInputException(DiagnosticCodes.Samples, request.ModelPath, "static int8 quantization needs calibration samples", "Pass --calibration-data with representative inputs (.npy, .pb or images), or use precision auto for int8 weights without data");

        if (request.FallbackAttempts is < 1)
            throw new OptimizationInputException(DiagnosticCodes.Usage, "--fallback-attempts", $"the accuracy fallback needs at least 1 attempt, got {request.FallbackAttempts}", "Pass a positive count such as 50, or leave it to the profile");
        if (request.FallbackTimeBudget is { } seconds && !(seconds > 0 && double.IsFinite(seconds)))
            throw new OptimizationInputException(DiagnosticCodes.Usage, "--fallback-time", $"the accuracy fallback's time budget must be a positive number of seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}", "Pass seconds such as 300, or leave it to the profile (none built in)");
        var plan = profile.Precision;
        var scheme = plan.Scheme;
        var why = DeviceRationale.WhyScheme(profile, scheme, plan);
        if (precision == Precision.Uint8 && plan.ActivationType == QuantType.Int8)
        {
            scheme = QuantScheme.U8S8;
            why = $"uint8 requested → U8S8 QDQ {(plan.PerChannel ? "per-channel" : "per-tensor")} (the profile's own choice is {plan.Scheme})";
        }

        steps.Add(PlanStep.Create(PlanStepIds.Calibrate,
            $"static QDQ needs activation ranges: {PlanValue.Of(request.CalibrationMethod)} over streamed samples, memory independent of their number",
            new CalibrateSettings(request.CalibrationMethod, request.CalibrationData, request.ValidationData, request.Preprocess)));

        var activation = scheme == QuantScheme.S8S8 ? QuantType.Int8 : QuantType.Uint8;
        var weight = scheme == QuantScheme.U8U8 ? QuantType.Uint8 : QuantType.Int8;
        steps.Add(PlanStep.Create(PlanStepIds.QuantizeQdq,
            why + "; Q/DQ on both sides of each op so ORT fuses to QLinearConv/QLinearMatMul, biases int32 (s_x·s_w)"
            + (request.ExcludeNodes.Count > 0 ? $"; {request.ExcludeNodes.Count} node(s) kept in float as asked" : ""),
            new QuantizeQdqSettings(scheme, activation, weight, plan.PerChannel, plan.SymmetricWeights, plan.SymmetricActivations, plan.ReduceRange, request.ExcludeNodes)));

        steps.Add(PlanStep.Create(PlanStepIds.ExcludeSensitiveNodes,
            $"detector heads (final Mul/Concat with huge ranges) wreck int8 accuracy: keep the most sensitive places in float until {EdgeBuild.Optimization.Verification.AccuracyBudget.From(request.MinSqnrDb, request.Accuracy, request.ModelPath).Describe()}"
            + $" (at most {request.FallbackAttempts ?? plan.FallbackAttempts} attempts{(request.FallbackAttempts is null ? $", {profile.Id}'s default" : "")}"
            + FallbackTimeBudgetReason(request.FallbackTimeBudget ?? plan.FallbackTimeBudget, request.FallbackTimeBudget is null ? profile.Id : null) + ")"
            + (request.FallbackLatencyCost ? "; then the largest float places by MACs handed back to int8, priced by ORT's profiler on this host" : ""),
            new ExcludeSensitiveNodesSettings(request.MinSqnrDb, request.Accuracy, request.FallbackAttempts ?? plan.FallbackAttempts, request.FallbackTimeBudget ?? plan.FallbackTimeBudget, request.FallbackLatencyCost)));
        steps.Add(PlanStep.Create(PlanStepIds.CompressRemainingWeights,
            "weights no integer kernel reads (LSTM/GRU/RNN, embedding tables, ops the quantizer leaves float) would stay float32: int8 per channel computed in float (Cast→Mul, as the data-free default), int16 where int8 misses the budget, verified"
            + (request.ExcludeNodes.Count > 0 ? "; the nodes kept in float as asked keep their weights" : ""),
            new CompressRemainingWeightsSettings(DataFreeMinElements)));
        steps.Add(PlanStep.Create(PlanStepIds.MeasureLayerError,
            "the report's per-layer error chart: each quantized node's output against the float model's, on the first validation sample", NoSettings.Instance));
        steps.Add(PlanStep.Create(PlanStepIds.WeightsAsCastMul,
            "int8 weights read only by float ops as Cast→Mul, which ONNX Runtime folds at load and pre-packs (it never folds DequantizeLinear)", NoSettings.Instance));
    }

    /// <summary>The plan's words for the fallback's time budget: nothing when there is none (the count alone bounds it).</summary>
    private static string FallbackTimeBudgetReason(double? seconds, string? profileId) => seconds is { } s
        ? string.Create(CultureInfo.InvariantCulture, $", or {s:0.#} s{(profileId is null ? "" : $" ({profileId}'s time budget)")}, whichever comes first")
        : "";

    private static PlanStep Budgets(DeviceProfile profile, OptimizeRequest request)
    {
        var budgets = profile.Budgets;
        var dims = string.Join(";", request.Dims.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
        var why = budgets.MaxModelBytes is null && budgets.MaxPeakMemoryBytes is null
            ? $"{profile.Id} has no budgets (its RAM varies by machine): memory is estimated and reported, not checked"
            : $"{profile.Id}: the model must fit {Describe(budgets)}; over budget is {(request.FailOnBudget ? "an error" : "a warning")}";
        return PlanStep.Create(PlanStepIds.CheckBudgets, why, new CheckBudgetsSettings(dims, request.FailOnBudget, budgets.MaxModelBytes, budgets.MaxPeakMemoryBytes));
    }

    private static string Describe(ProfileBudgets b) => string.Join(" and ", new[]
    {
        b.MaxModelBytes is { } m ? $"a {Reporting.ByteSize.Format(m)} file" : null,
        b.MaxPeakMemoryBytes is { } p ? $"{Reporting.ByteSize.Format(p)} peak memory" : null,
    }.Where(s => s is not null));
}
