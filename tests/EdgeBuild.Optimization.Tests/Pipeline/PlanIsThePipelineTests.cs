using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Pipeline;

/// <summary>
/// The plan is the pipeline: on a real model, for every built-in profile and every precision, the steps that ran are
/// exactly the plan's steps, in its order (what `--explain` prints and the report records).
/// </summary>
public class PlanIsThePipelineTests
{
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var target in ProfileCatalog.Ids)
        {
            foreach (var precision in Precisions.All) data.Add(target, precision, false);
            data.Add(target, "int8", true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_steps_that_ran_are_the_plans_steps_in_order(string target, string precision, bool dynamic)
    {
        using var dir = new TempDir();
        var result = ModelOptimizer.Optimize(new OptimizeRequest
        {
            ModelPath = TestAssets.Classifier,
            OutputPath = dir.File("cls.onnx"),
            ManifestPath = dir.File("cls.edgemodel.json"),
            TargetId = target,
            Precision = precision,
            Dynamic = dynamic,
            // Real photos, resized to the classifier's 48×192 input; a budget every precision meets, so every plan runs to its end.
            CalibrationData = Path.Combine(TestAssets.ImagesDir, "c*.png"),
            MinSqnrDb = 5,
        });

        var plan = result.Report!.Plan!;
        Assert.Equal(plan.Steps.Select(s => s.Id), result.ExecutedSteps);
        Assert.Equal(PlanValue.Of(plan.Precision), result.Precision);
        Assert.Contains(PlanStepIds.Write, result.ExecutedSteps);
        Assert.True(File.Exists(result.OutputPath));
    }
}
