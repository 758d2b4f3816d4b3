using EdgeBuild.Optimization.Pipeline.Steps;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Quantization;

namespace EdgeBuild.Optimization.Tests.Planning;

public class OptimizationPlannerTests
{
    private static OptimizeRequest Request(string target = "rpi5", string precision = "auto", string? calibration = "calib/*.npy") => new()
    {
        ModelPath = "model.onnx",
        OutputPath = "out/model.onnx",
        TargetId = target,
        Precision = precision,
        CalibrationData = calibration,
    };

    private static OptimizationPlan Plan(string target, OptimizeRequest? request = null) =>
        OptimizationPlanner.Plan(ProfileCatalog.Get(target), request ?? Request(target));

    [Fact]
    public void Rpi5_auto_is_static_int8_qdq_with_the_profile_scheme_in_order()
    {
        var plan = Plan("rpi5");
        Assert.Equal(Precision.Int8, plan.Precision);
        Assert.Equal(
            [PlanStepIds.Cleanup, PlanStepIds.Calibrate, PlanStepIds.QuantizeQdq, PlanStepIds.ExcludeSensitiveNodes, PlanStepIds.CompressRemainingWeights, PlanStepIds.MeasureLayerError,
             PlanStepIds.WeightsAsCastMul, PlanStepIds.CompactEncoding, PlanStepIds.Verify, PlanStepIds.Write, PlanStepIds.ReviewResult, PlanStepIds.CheckBudgets],
            plan.Steps.Select(s => s.Id));
        var step = plan.Find(PlanStepIds.QuantizeQdq)!;
        Assert.StartsWith("rpi5: Armv8.2 dotprod", step.Reason);
        Assert.Contains("S8S8 QDQ per-channel, no reduce_range", step.Reason);
        var q = step.Read<QuantizeQdqSettings>();
        Assert.Equal(QuantScheme.S8S8, q.Scheme);
        Assert.Equal(QuantType.Int8, q.ActivationType);
        Assert.True(q.PerChannel);
        Assert.False(q.ReduceRange);
        Assert.False(q.SymmetricActivations);
        Assert.Equal("S8S8", step.Settings["scheme"]);
        Assert.Equal("int8", step.Settings["activationType"]);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Every_step_id_the_planner_emits_has_one_implementation_that_reads_its_settings_back()
    {
        Assert.Equal(PlanStepIds.All.Order(StringComparer.Ordinal), global::EdgeBuild.Optimization.Pipeline.StepRegistry.Ids.Order(StringComparer.Ordinal));
        foreach (var target in ProfileCatalog.Ids)
        foreach (var precision in Precisions.All)
        foreach (var dynamic in new[] { false, true })
        {
            var resolved = precision == "auto" ? PlanValue.Of(ProfileCatalog.Get(target).Precision.DefaultPrecision) : precision;
            if (dynamic && resolved != "int8") continue;
            var plan = Plan(target, Request(target, precision) with { Dynamic = dynamic, ExcludeNodes = ["a"], ValidationData = "val" });
            Assert.All(plan.Steps, s => Assert.Contains(s.Id, PlanStepIds.All));
            Assert.All(plan.Steps, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
            Assert.NotEqual(Precision.Auto, plan.Precision);
            Assert.Equal(dynamic, plan.Contains(PlanStepIds.QuantizeDynamicInt8));
        }
    }

    [Fact]
    public void Auto_without_calibration_data_is_the_data_free_plan_checked_on_made_up_inputs()
    {
        var plan = Plan("rpi5", Request(calibration: null));
        Assert.Equal(Precision.Int8, plan.Precision);
        Assert.Equal(
            [PlanStepIds.Cleanup, PlanStepIds.SynthesizeInputs, PlanStepIds.FoldAndFuse, PlanStepIds.CompressWeightsInt8, PlanStepIds.CorrectWeightBias, PlanStepIds.CompactEncoding, PlanStepIds.CheckSynthetic,
             PlanStepIds.Write, PlanStepIds.ReviewResult, PlanStepIds.CheckBudgets],
            plan.Steps.Select(s => s.Id));
        Assert.Contains("CalibrationData", plan.Find(PlanStepIds.CompressWeightsInt8)!.Reason);
        Assert.True(plan.Find(PlanStepIds.CompressWeightsInt8)!.Read<CompressWeightsInt8Settings>().SearchOnMadeUpInputs);
        Assert.Contains("not an accuracy measurement", plan.Find(PlanStepIds.CheckSynthetic)!.Reason);
        Assert.Contains("EDGE0221", plan.Find(PlanStepIds.ReviewResult)!.Reason);

        // Validation data without calibration data: the same compression, measured on the user's samples instead; the
        // made-up inputs only feed the bias correction (the validation data stays held out) and no search runs on them.
        var measured = Plan("rpi5", Request(calibration: null) with { ValidationData = "val/*.npy", Preprocess = "scale=1/255;mean=0.5,0.5,0.5;std=0.5,0.5,0.5" });
        Assert.Equal(
            [PlanStepIds.Cleanup, PlanStepIds.SynthesizeInputs, PlanStepIds.FoldAndFuse, PlanStepIds.CompressWeightsInt8, PlanStepIds.CorrectWeightBias, PlanStepIds.CompactEncoding, PlanStepIds.Verify,
             PlanStepIds.Write, PlanStepIds.ReviewResult, PlanStepIds.CheckBudgets],
            measured.Steps.Select(s => s.Id));
        Assert.Equal("val/*.npy", measured.Find(PlanStepIds.Verify)!.Read<VerifySettings>().Data);
        Assert.False(measured.Find(PlanStepIds.CompressWeightsInt8)!.Read<CompressWeightsInt8Settings>().SearchOnMadeUpInputs);
        Assert.Contains("held out", measured.Find(PlanStepIds.SynthesizeInputs)!.Reason);
        // The bias correction scales its made-up images as the item's Preprocess says (without one it measures three scalings).
        Assert.Null(plan.Find(PlanStepIds.CorrectWeightBias)!.Read<CorrectWeightBiasSettings>().Preprocess);
        Assert.Equal("scale=1/255;mean=0.5,0.5,0.5;std=0.5,0.5,0.5", measured.Find(PlanStepIds.CorrectWeightBias)!.Read<CorrectWeightBiasSettings>().Preprocess);
    }

    [Fact]
    public void Data_free_on_a_profile_whose_integer_matmul_gains_runs_wide_matmuls_as_dynamic_int8_before_the_weight_compression()
    {
        var vnni = Plan("x64-vnni", Request("x64-vnni", calibration: null));
        Assert.Equal(
            [PlanStepIds.Cleanup, PlanStepIds.SynthesizeInputs, PlanStepIds.FoldAndFuse, PlanStepIds.QuantizeDynamicInt8, PlanStepIds.CompressWeightsInt8, PlanStepIds.CorrectWeightBias, PlanStepIds.CompactEncoding,
             PlanStepIds.CheckSynthetic, PlanStepIds.Write, PlanStepIds.ReviewResult, PlanStepIds.CheckBudgets],
            vnni.Steps.Select(s => s.Id));
        var dynamic = vnni.Find(PlanStepIds.QuantizeDynamicInt8)!;
        Assert.Equal(64, dynamic.Read<QuantizeDynamicInt8Settings>().MinColumns);
        Assert.Contains("without CalibrationData", dynamic.Reason);

        // Profiles that do not say their kernels gain keep every weight computed in float; --dynamic converts every width.
        Assert.All(ProfileCatalog.Ids.Where(id => id != "x64-vnni" && !ProfileCatalog.Get(id).Precision.Fp16Accelerated),
            id => Assert.False(Plan(id, Request(id, calibration: null)).Contains(PlanStepIds.QuantizeDynamicInt8)));
        Assert.Equal(1, Plan("x64-vnni", Request("x64-vnni", "int8", calibration: null) with { Dynamic = true })
            .Find(PlanStepIds.QuantizeDynamicInt8)!.Read<QuantizeDynamicInt8Settings>().MinColumns);
    }

    [Fact]
    public void Auto_without_data_on_a_gpu_profile_is_fp16_and_an_explicit_int8_still_asks_for_samples()
    {
        var gpu = Plan("jetson-orin-nano", Request("jetson-orin-nano", calibration: null));
        Assert.Equal(Precision.Fp16, gpu.Precision);
        Assert.True(gpu.Contains(PlanStepIds.ConvertFp16) && gpu.Contains(PlanStepIds.CheckSynthetic));
        Assert.Equal(Precision.Int8, Plan("jetson-orin-nano", Request("jetson-orin-nano")).Precision); // with samples: the profile's int8

        var e = Assert.Throws<OptimizationInputException>(() => Plan("rpi5", Request(precision: "int8", calibration: null)));
        Assert.Equal("EDGE0110", e.Code);
        Assert.Contains("auto", e.Message);
    }

    [Fact]
    public void The_precision_names_are_the_precision_enum()
    {
        Assert.Equal(Enum.GetValues<Precision>().Select(p => PlanValue.Of(p)), Precisions.All);
    }

    [Fact]
    public void Dynamic_int8_is_a_step_of_its_own_and_dynamic_without_int8_is_refused()
    {
        var plan = Plan("rpi5", Request(precision: "int8", calibration: null) with { Dynamic = true });
        Assert.Equal([PlanStepIds.Cleanup, PlanStepIds.SynthesizeInputs, PlanStepIds.QuantizeDynamicInt8, PlanStepIds.CompactEncoding, PlanStepIds.CheckSynthetic,
                PlanStepIds.Write, PlanStepIds.ReviewResult, PlanStepIds.CheckBudgets],
            plan.Steps.Select(s => s.Id));
        Assert.True(plan.Find(PlanStepIds.QuantizeDynamicInt8)!.Read<QuantizeDynamicInt8Settings>().PerChannel);

        var e = Assert.Throws<OptimizationInputException>(() => Plan("rpi5", Request(precision: "fp16") with { Dynamic = true }));
        Assert.Equal("EDGE0002", e.Code);
    }

    [Fact]
    public void Static_int8_without_calibration_data_and_an_unknown_precision_are_input_errors()
    {
        Assert.Equal("EDGE0110", Assert.Throws<OptimizationInputException>(() => Plan("rpi5", Request(precision: "int8", calibration: null))).Code);
        var unknown = Assert.Throws<OptimizationInputException>(() => Plan("rpi5", Request(precision: "int3")));
        Assert.Equal("EDGE0002", unknown.Code);
        Assert.Contains("auto, int8, uint8, fp16, int4, none", unknown.Message);
    }

    [Fact]
    public void X64_avx2_uses_u8s8_with_reduce_range_and_says_why()
    {
        var step = Plan("x64-avx2").Find(PlanStepIds.QuantizeQdq)!;
        var q = step.Read<QuantizeQdqSettings>();
        Assert.Equal(QuantScheme.U8S8, q.Scheme);
        Assert.Equal(QuantType.Uint8, q.ActivationType);
        Assert.True(q.ReduceRange);
        Assert.Contains("without VNNI", step.Reason);
    }

    [Fact]
    public void X64_vnni_uses_u8s8_without_reduce_range_and_says_why()
    {
        var step = Plan("x64-vnni").Find(PlanStepIds.QuantizeQdq)!;
        var q = step.Read<QuantizeQdqSettings>();
        Assert.Equal(QuantScheme.U8S8, q.Scheme);
        Assert.Equal(QuantType.Uint8, q.ActivationType);
        Assert.False(q.ReduceRange);
        Assert.Contains("VNNI", step.Reason);
        Assert.Contains("faster than S8S8", step.Reason);
    }

    [Fact]
    public void Jetson_int8_is_symmetric()
    {
        var step = Plan("jetson-orin-nano", Request("jetson-orin-nano", "int8")).Find(PlanStepIds.QuantizeQdq)!;
        Assert.True(step.Read<QuantizeQdqSettings>().SymmetricActivations);
        Assert.Contains("TensorRT", step.Reason);
    }

    [Fact]
    public void Fp16_on_a_cpu_board_warns_and_on_the_jetson_does_not()
    {
        var pi = Plan("rpi5", Request(precision: "fp16"));
        Assert.True(pi.Contains(PlanStepIds.ConvertFp16));
        Assert.False(pi.Contains(PlanStepIds.QuantizeQdq));
        Assert.Contains(pi.Warnings, w => w.Contains("unaccelerated", StringComparison.Ordinal));

        var jetson = Plan("jetson-orin-nano", Request("jetson-orin-nano", "fp16"));
        Assert.Empty(jetson.Warnings);
    }

    [Fact]
    public void Uint8_forces_uint8_activations_and_exclusions_and_sqnr_flow_into_settings()
    {
        var plan = Plan("rpi5", Request(precision: "uint8", calibration: "calib") with
        {
            ExcludeNodes = ["head/Mul", "a,b"],
            MinSqnrDb = 25.5,
            CalibrationMethod = CalibrationMethod.Percentile,
        });
        var q = plan.Find(PlanStepIds.QuantizeQdq)!.Read<QuantizeQdqSettings>();
        Assert.Equal(QuantScheme.U8S8, q.Scheme);
        Assert.Equal(["head/Mul", "a,b"], q.ExcludeNodes);
        Assert.Equal(25.5, plan.Find(PlanStepIds.Verify)!.Read<VerifySettings>().MinSqnrDb);
        Assert.Equal(25.5, plan.Find(PlanStepIds.ExcludeSensitiveNodes)!.Read<ExcludeSensitiveNodesSettings>().MinSqnrDb);
        Assert.Equal("percentile", plan.Find(PlanStepIds.Calibrate)!.Settings["method"]);
        Assert.Equal(CalibrationMethod.Percentile, plan.Find(PlanStepIds.Calibrate)!.Read<CalibrateSettings>().Method);
    }

    [Fact]
    public void None_only_cleans_up_writes_and_checks_budgets()
    {
        var plan = Plan("rpi5", Request(precision: "none"));
        Assert.Equal([PlanStepIds.Cleanup, PlanStepIds.Write, PlanStepIds.CheckBudgets], plan.Steps.Select(s => s.Id));
    }

    [Fact]
    public void Budgets_carry_the_profile_figures()
    {
        var plan = Plan("rpi-zero2w", Request("rpi-zero2w") with { Dims = new Dictionary<string, long> { ["W"] = 640, ["H"] = 480 }, FailOnBudget = true });
        var step = plan.Find(PlanStepIds.CheckBudgets)!;
        var budgets = step.Read<CheckBudgetsSettings>();
        Assert.Equal(256L << 20, budgets.MaxPeakMemoryBytes);
        Assert.Equal("H=480;W=640", budgets.Dims);
        Assert.True(budgets.FailOnBudget);
        Assert.Contains("an error", step.Reason);

        Assert.Null(Plan("arm64", Request("arm64")).Find(PlanStepIds.CheckBudgets)!.Read<CheckBudgetsSettings>().MaxPeakMemoryBytes);
        Assert.False(Plan("arm64", Request("arm64")).Find(PlanStepIds.CheckBudgets)!.Settings.ContainsKey("maxPeakMemoryBytes"));
    }

    [Fact]
    public void A_setting_the_step_does_not_declare_is_an_error_not_ignored()
    {
        var step = new PlanStep(PlanStepIds.ExcludeSensitiveNodes, "why", [new("minSqnrDb", "30"), new("typo", "1")]);
        Assert.Throws<InvalidOperationException>(() => step.Read<ExcludeSensitiveNodesSettings>());
    }

    [Fact]
    public void Same_inputs_give_an_equal_plan_and_explain_lists_every_step_with_its_reason()
    {
        var a = Plan("rpi5");
        var b = Plan("rpi5");
        Assert.Equal(a, b);
        Assert.NotEqual(a, Plan("rpi4", Request("rpi4")));

        var text = a.Explain();
        Assert.Contains("Plan for target 'rpi5', precision int8", text);
        foreach (var step in a.Steps)
        {
            Assert.Contains(step.Id, text);
            Assert.Contains(step.Reason, text);
        }

        Assert.Contains("scheme = S8S8", text);
    }
}
