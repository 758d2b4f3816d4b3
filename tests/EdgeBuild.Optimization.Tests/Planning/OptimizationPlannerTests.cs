using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Tests.Planning;

public class OptimizationPlannerTests
{
    private static OptimizationPlan Plan(string target, PlannerOptions? options = null) =>
        OptimizationPlanner.Plan(ProfileCatalog.Get(target), options ?? new PlannerOptions { CalibrationData = "calib/*.npy" });

    [Fact]
    public void Rpi5_auto_is_static_int8_qdq_with_the_profile_scheme_in_order()
    {
        var plan = Plan("rpi5");
        Assert.Equal(Precision.Int8, plan.Precision);
        Assert.Equal(
            [PlanStepIds.Cleanup, PlanStepIds.OrtOfflineOptimize, PlanStepIds.Calibrate, PlanStepIds.QuantizeQdq,
             PlanStepIds.ExcludeSensitiveNodes, PlanStepIds.Verify, PlanStepIds.CheckBudgets],
            plan.Steps.Select(s => s.Id));
        var q = plan.Find(PlanStepIds.QuantizeQdq)!;
        Assert.StartsWith("rpi5: Armv8.2 dotprod", q.Reason);
        Assert.Contains("S8S8 QDQ per-channel, no reduce_range", q.Reason);
        Assert.Equal("S8S8", q.GetString("scheme"));
        Assert.Equal("int8", q.GetString("activationType"));
        Assert.True(q.GetBool("perChannel"));
        Assert.False(q.GetBool("reduceRange"));
        Assert.False(q.GetBool("symmetricActivations"));
        Assert.Equal("extended", plan.Find(PlanStepIds.OrtOfflineOptimize)!.GetString("level"));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Every_step_id_the_planner_emits_is_a_known_id_and_every_step_has_a_reason()
    {
        foreach (var target in ProfileCatalog.Ids)
        foreach (var precision in Enum.GetValues<Precision>())
        {
            var plan = Plan(target, new PlannerOptions { Precision = precision });
            Assert.All(plan.Steps, s => Assert.Contains(s.Id, PlanStepIds.All));
            Assert.All(plan.Steps, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
            Assert.NotEqual(Precision.Auto, plan.Precision);
        }
    }

    [Fact]
    public void X64_avx2_uses_u8s8_with_reduce_range_and_says_why()
    {
        var q = Plan("x64-avx2").Find(PlanStepIds.QuantizeQdq)!;
        Assert.Equal("U8S8", q.GetString("scheme"));
        Assert.Equal("uint8", q.GetString("activationType"));
        Assert.True(q.GetBool("reduceRange"));
        Assert.Contains("without VNNI", q.Reason);
    }

    [Fact]
    public void X64_vnni_uses_u8s8_without_reduce_range_and_says_why()
    {
        var q = Plan("x64-vnni").Find(PlanStepIds.QuantizeQdq)!;
        Assert.Equal("U8S8", q.GetString("scheme"));
        Assert.Equal("uint8", q.GetString("activationType"));
        Assert.False(q.GetBool("reduceRange"));
        Assert.Contains("VNNI", q.Reason);
        Assert.Contains("faster than S8S8", q.Reason);
    }

    [Fact]
    public void Jetson_int8_is_symmetric_and_offline_optimization_stops_at_basic()
    {
        var plan = Plan("jetson-orin-nano");
        Assert.True(plan.Find(PlanStepIds.QuantizeQdq)!.GetBool("symmetricActivations"));
        Assert.Contains("TensorRT", plan.Find(PlanStepIds.QuantizeQdq)!.Reason);
        Assert.Equal("basic", plan.Find(PlanStepIds.OrtOfflineOptimize)!.GetString("level"));
    }

    [Fact]
    public void Asking_for_a_higher_offline_level_than_portable_is_capped_with_the_reason()
    {
        var step = Plan("rpi5", new PlannerOptions { OfflineOptimizationLevel = GraphOptimizationLevel.All })
            .Find(PlanStepIds.OrtOfflineOptimize)!;
        Assert.Equal("extended", step.GetString("level"));
        Assert.Contains("capped", step.Reason);

        var lower = Plan("rpi5", new PlannerOptions { OfflineOptimizationLevel = GraphOptimizationLevel.Basic });
        Assert.Equal("basic", lower.Find(PlanStepIds.OrtOfflineOptimize)!.GetString("level"));
    }

    [Fact]
    public void Fp16_on_a_cpu_board_warns_and_on_the_jetson_does_not()
    {
        var pi = Plan("rpi5", new PlannerOptions { Precision = Precision.Fp16 });
        Assert.True(pi.Contains(PlanStepIds.ConvertFp16));
        Assert.False(pi.Contains(PlanStepIds.QuantizeQdq));
        Assert.Contains(pi.Warnings, w => w.Contains("unaccelerated", StringComparison.Ordinal));

        var jetson = Plan("jetson-orin-nano", new PlannerOptions { Precision = Precision.Fp16, CalibrationData = "x" });
        Assert.Empty(jetson.Warnings);
    }

    [Fact]
    public void Uint8_forces_uint8_activations_and_exclusions_and_sqnr_flow_into_settings()
    {
        var plan = Plan("rpi5", new PlannerOptions
        {
            Precision = Precision.Uint8,
            ExcludeNodes = ["head/Mul", "a,b"],
            MinSqnrDb = 25.5,
            CalibrationMethod = CalibrationMethod.Percentile,
            CalibrationData = "calib",
        });
        var q = plan.Find(PlanStepIds.QuantizeQdq)!;
        Assert.Equal("U8S8", q.GetString("scheme"));
        Assert.Equal(["head/Mul", "a,b"], q.GetList("excludeNodes"));
        Assert.Equal(25.5, plan.Find(PlanStepIds.Verify)!.GetDouble("minSqnrDb"));
        Assert.Equal("percentile", plan.Find(PlanStepIds.Calibrate)!.GetString("method"));
    }

    [Fact]
    public void None_only_cleans_up_optimizes_and_checks_budgets()
    {
        var plan = Plan("rpi5", new PlannerOptions { Precision = Precision.None });
        Assert.Equal([PlanStepIds.Cleanup, PlanStepIds.OrtOfflineOptimize, PlanStepIds.CheckBudgets], plan.Steps.Select(s => s.Id));
    }

    [Fact]
    public void Missing_calibration_data_is_a_warning_and_budgets_carry_the_profile_figures()
    {
        var plan = Plan("rpi-zero2w", new PlannerOptions { Dims = new Dictionary<string, long> { ["W"] = 640, ["H"] = 480 }, FailOnBudget = true });
        Assert.Contains(plan.Warnings, w => w.Contains("CalibrationData", StringComparison.Ordinal));
        var budgets = plan.Find(PlanStepIds.CheckBudgets)!;
        Assert.Equal(256L << 20, budgets.GetLong("maxPeakMemoryBytes"));
        Assert.Equal("H=480;W=640", budgets.GetString("dims"));
        Assert.True(budgets.GetBool("failOnBudget"));
        Assert.Contains("an error", budgets.Reason);

        Assert.Null(Plan("arm64").Find(PlanStepIds.CheckBudgets)!.GetLong("maxPeakMemoryBytes"));
    }

    [Fact]
    public void Same_inputs_give_an_equal_plan_and_explain_lists_every_step_with_its_reason()
    {
        var a = Plan("rpi5");
        var b = Plan("rpi5");
        Assert.Equal(a, b);
        Assert.NotEqual(a, Plan("rpi4"));

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
