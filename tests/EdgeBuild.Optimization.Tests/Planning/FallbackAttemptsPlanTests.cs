using EdgeBuild.Optimization.Pipeline.Steps;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Planning;

/// <summary>
/// The fallback's bound is a count the planner decides (profile default, item/CLI override) and the step reads from
/// its typed settings; a count, never a time, so the written model does not depend on the machine.
/// </summary>
public class FallbackAttemptsPlanTests
{
    private static OptimizeRequest Request() => new()
    {
        ModelPath = "det.onnx",
        OutputPath = "out.onnx",
        TargetId = "rpi5",
        Precision = "int8",
        CalibrationData = "calib/*.npy",
        Accuracy = "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%",
    };

    [Fact]
    public void The_profile_sets_the_default_and_the_request_overrides_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("slow-board.json"), """{ "extends": "rpi5", "precision": { "fallbackAttempts": 12 } }""");
        var custom = CustomProfileLoader.Load(dir.File("slow-board.json"));

        var builtIn = OptimizationPlanner.Plan(ProfileCatalog.Get("rpi5"), Request()).Find(PlanStepIds.ExcludeSensitiveNodes)!;
        Assert.Equal(PrecisionPlan.DefaultFallbackAttempts, builtIn.Read<ExcludeSensitiveNodesSettings>().MaxAttempts);
        Assert.Contains($"at most {PrecisionPlan.DefaultFallbackAttempts} attempts, rpi5's default", builtIn.Reason);
        Assert.Equal("sigmoid_0.tmp_0: agreement@0.3 >= 99.5%", builtIn.Read<ExcludeSensitiveNodesSettings>().Accuracy);

        Assert.Equal(12, OptimizationPlanner.Plan(custom, Request()).Find(PlanStepIds.ExcludeSensitiveNodes)!.Read<ExcludeSensitiveNodesSettings>().MaxAttempts);
        var asked = OptimizationPlanner.Plan(custom, Request() with { FallbackAttempts = 7 }).Find(PlanStepIds.ExcludeSensitiveNodes)!;
        Assert.Equal(7, asked.Read<ExcludeSensitiveNodesSettings>().MaxAttempts);
        Assert.Contains("at most 7 attempts)", asked.Reason);
    }

    [Fact]
    public void A_cap_below_one_is_refused_by_the_planner_and_the_profile()
    {
        var e = Assert.Throws<OptimizationInputException>(() => OptimizationPlanner.Plan(ProfileCatalog.Get("rpi5"), Request() with { FallbackAttempts = 0 }));
        Assert.Equal("EDGE0002", e.Code);
        Assert.Contains("--fallback-attempts", e.Message);

        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.json"), """{ "extends": "rpi5", "precision": { "fallbackAttempts": 0 } }""");
        var bad = Assert.Throws<ProfileValidationException>(() => CustomProfileLoader.Load(dir.File("bad.json")));
        Assert.Contains("fallbackAttempts", bad.Message);
    }

    [Fact]
    public void A_time_budget_is_opt_in_from_the_profile_or_the_request()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("slow-host.json"), """{ "extends": "rpi5", "precision": { "fallbackTimeBudget": 240 } }""");
        var custom = CustomProfileLoader.Load(dir.File("slow-host.json"));

        // Built in: none, so the count alone bounds the search and the same inputs give the same bytes.
        var builtIn = OptimizationPlanner.Plan(ProfileCatalog.Get("rpi5"), Request()).Find(PlanStepIds.ExcludeSensitiveNodes)!;
        Assert.Null(builtIn.Read<ExcludeSensitiveNodesSettings>().TimeBudgetSeconds);
        Assert.DoesNotContain(" s,", builtIn.Reason);

        var fromProfile = OptimizationPlanner.Plan(custom, Request()).Find(PlanStepIds.ExcludeSensitiveNodes)!;
        Assert.Equal(240, fromProfile.Read<ExcludeSensitiveNodesSettings>().TimeBudgetSeconds);
        Assert.Contains("or 240 s (", fromProfile.Reason);
        var asked = OptimizationPlanner.Plan(custom, Request() with { FallbackTimeBudget = 90 }).Find(PlanStepIds.ExcludeSensitiveNodes)!;
        Assert.Equal(90, asked.Read<ExcludeSensitiveNodesSettings>().TimeBudgetSeconds);
        Assert.Contains("or 90 s, whichever comes first", asked.Reason);

        var e = Assert.Throws<OptimizationInputException>(() => OptimizationPlanner.Plan(ProfileCatalog.Get("rpi5"), Request() with { FallbackTimeBudget = 0 }));
        Assert.Contains("--fallback-time", e.Message);
        File.WriteAllText(dir.File("bad.json"), """{ "extends": "rpi5", "precision": { "fallbackTimeBudget": -1 } }""");
        Assert.Contains("fallbackTimeBudget", Assert.Throws<ProfileValidationException>(() => CustomProfileLoader.Load(dir.File("bad.json"))).Message);
    }
}
