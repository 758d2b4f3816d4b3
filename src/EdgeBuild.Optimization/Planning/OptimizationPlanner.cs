using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// Profile + item options → ordered plan steps with settings and reasons. Deterministic and free of
/// I/O: the same inputs always give the same plan, so the plan can be part of the cache key and report.
/// </summary>
public static class OptimizationPlanner
{
    /// <summary>The SQNR floor when the item sets none: int8 CNN outputs usually land well above 30 dB when healthy.</summary>
    public const double DefaultMinSqnrDb = 30;

    public static OptimizationPlan Plan(DeviceProfile profile, PlannerOptions options)
    {
        var precision = options.Precision == Precision.Auto ? profile.Precision.DefaultPrecision : options.Precision;
        var minSqnr = options.MinSqnrDb ?? DefaultMinSqnrDb;
        var steps = new List<PlanStep>();
        var warnings = new List<string>();

        steps.Add(new PlanStep(PlanStepIds.Cleanup,
            "always: fold constants and BatchNorm, drop identities and dead nodes, so later steps see the real graph"));
        steps.Add(OfflineOptimization(profile, options));

        switch (precision)
        {
            case Precision.Int8:
            case Precision.Uint8:
                AddStaticQuantization(profile, options, precision, minSqnr, steps, warnings);
                break;
            case Precision.Fp16:
                steps.Add(new PlanStep(PlanStepIds.ConvertFp16,
                    profile.Precision.Fp16Accelerated
                        ? $"{profile.Id}: fp16 runs on accelerated kernels ({profile.Accelerator ?? string.Join("/", profile.Session.ExecutionProviders)}); half the weight bytes"
                        : $"fp16 requested; halves the weight bytes, but {profile.Id}'s CPU EP mostly emulates fp16 with Casts",
                    [new("keepIoTypes", PlanValue.Of(true)), new("excludeNodes", PlanValue.Of(options.ExcludeNodes))]));
                if (!profile.Precision.Fp16Accelerated)
                    warnings.Add($"fp16 on {profile.Id} is mostly unaccelerated (Pi 5 users saw ~4x slower with Cast overhead); int8 is the fast path here");
                break;
            case Precision.Int4:
                steps.Add(new PlanStep(PlanStepIds.QuantizeInt4Weights,
                    "int4 weight-only, block-wise (MatMulNBits): shrinks MatMul/Gemm weights; Conv stays float (no int4 Conv kernels)",
                    [new("blockSize", PlanValue.Of(profile.Precision.Int4BlockSize)), new("symmetric", PlanValue.Of(true)), new("opTypes", PlanValue.Of(["MatMul", "Gemm"])),
                     new("excludeNodes", PlanValue.Of(options.ExcludeNodes))]));
                break;
        }

        if (precision != Precision.None)
        {
            steps.Add(new PlanStep(PlanStepIds.Verify,
                $"CI must fail when the optimized model drifts: every output's SQNR vs the original must be ≥ {PlanValue.Of(minSqnr)} dB"
                + (options.ValidationData is null ? " (no ValidationData: checked on the calibration samples)" : ""),
                [new("minSqnrDb", PlanValue.Of(minSqnr)), new("data", options.ValidationData ?? options.CalibrationData ?? "")]));
        }

        steps.Add(Budgets(profile, options));
        return new OptimizationPlan { Target = profile.Id, Precision = precision, Steps = steps, Warnings = warnings };
    }

    private static PlanStep OfflineOptimization(DeviceProfile profile, PlannerOptions options)
    {
        var max = profile.MaxOfflineOptimizationLevel;
        var asked = options.OfflineOptimizationLevel ?? max;
        var level = asked <= max ? asked : max;
        var why = asked > max
            ? $"{PlanValue.Of(asked)} asked, capped at {PlanValue.Of(max)}: higher levels bake in the build host's kernels and layouts, which {profile.Id} may not have"
            : profile.Session.ExecutionProviders.FirstOrDefault() == "tensorrt"
                ? $"{profile.Id}: {PlanValue.Of(level)} at most offline, as extended fusions emit ORT contrib ops TensorRT cannot take; the device optimizes further online ({PlanValue.Of(profile.Session.GraphOptimizationLevel)})"
                : $"{profile.Id}: {PlanValue.Of(level)} is the highest level that stays portable from the build host; the device applies {PlanValue.Of(profile.Session.GraphOptimizationLevel)} online";
        return new PlanStep(PlanStepIds.OrtOfflineOptimize, why, [new("level", PlanValue.Of(level))]);
    }

    private static void AddStaticQuantization(DeviceProfile profile, PlannerOptions options, Precision precision, double minSqnr,
        List<PlanStep> steps, List<string> warnings)
    {
        var plan = profile.Precision;
        var scheme = plan.Scheme;
        var why = DeviceRationale.WhyScheme(profile, scheme, plan);
        if (precision == Precision.Uint8 && plan.ActivationType == QuantType.Int8)
        {
            scheme = QuantScheme.U8S8;
            why = $"uint8 requested → U8S8 QDQ {(plan.PerChannel ? "per-channel" : "per-tensor")} (the profile's own choice is {plan.Scheme})";
        }

        var calibrationWhy = $"static QDQ needs activation ranges: {PlanValue.Of(options.CalibrationMethod)} over streamed samples, memory independent of their number";
        if (options.CalibrationData is null)
        {
            warnings.Add("no CalibrationData: activation ranges come from generated inputs, which rarely match real data; give real samples");
            calibrationWhy += " (no CalibrationData given: generated inputs)";
        }

        steps.Add(new PlanStep(PlanStepIds.Calibrate, calibrationWhy,
            [new("method", PlanValue.Of(options.CalibrationMethod)), new("data", options.CalibrationData ?? "")]));

        var activation = scheme == QuantScheme.S8S8 ? QuantType.Int8 : QuantType.Uint8;
        var weight = scheme == QuantScheme.U8U8 ? QuantType.Uint8 : QuantType.Int8;
        steps.Add(new PlanStep(PlanStepIds.QuantizeQdq,
            why + "; Q/DQ on both sides of each op so ORT fuses to QLinearConv/QLinearMatMul, biases int32 (s_x·s_w)"
            + (options.ExcludeNodes.Count > 0 ? $"; {options.ExcludeNodes.Count} node(s) kept in float as asked" : ""),
            [
                new("scheme", scheme.ToString()),
                new("activationType", PlanValue.Of(activation)),
                new("weightType", PlanValue.Of(weight)),
                new("perChannel", PlanValue.Of(plan.PerChannel)),
                new("symmetricWeights", PlanValue.Of(plan.SymmetricWeights)),
                new("symmetricActivations", PlanValue.Of(plan.SymmetricActivations)),
                new("reduceRange", PlanValue.Of(plan.ReduceRange)),
                new("excludeNodes", PlanValue.Of(options.ExcludeNodes)),
            ]));

        steps.Add(new PlanStep(PlanStepIds.ExcludeSensitiveNodes,
            $"detector heads (final Mul/Concat with huge ranges) wreck int8 accuracy: keep the most sensitive nodes in float until every output reaches {PlanValue.Of(minSqnr)} dB",
            [new("minSqnrDb", PlanValue.Of(minSqnr))]));
    }

    private static PlanStep Budgets(DeviceProfile profile, PlannerOptions options)
    {
        var budgets = profile.Budgets;
        var dims = string.Join(";", options.Dims.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
        var why = budgets.MaxModelBytes is null && budgets.MaxPeakMemoryBytes is null
            ? $"{profile.Id} has no budgets (its RAM varies by machine): memory is estimated and reported, not checked"
            : $"{profile.Id}: the model must fit {Describe(budgets)}; over budget is {(options.FailOnBudget ? "an error" : "a warning")}";
        var settings = new List<KeyValuePair<string, string>>
        {
            new("dims", dims),
            new("failOnBudget", PlanValue.Of(options.FailOnBudget)),
        };
        if (budgets.MaxModelBytes is { } model) settings.Add(new("maxModelBytes", PlanValue.Of(model)));
        if (budgets.MaxPeakMemoryBytes is { } peak) settings.Add(new("maxPeakMemoryBytes", PlanValue.Of(peak)));
        return new PlanStep(PlanStepIds.CheckBudgets, why, settings);
    }

    private static string Describe(ProfileBudgets b) => string.Join(" and ", new[]
    {
        b.MaxModelBytes is { } m ? $"a {Reporting.ByteSize.Format(m)} file" : null,
        b.MaxPeakMemoryBytes is { } p ? $"{Reporting.ByteSize.Format(p)} peak memory" : null,
    }.Where(s => s is not null));
}
