using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Profiles;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>The check-budgets step: estimate the optimized model's peak memory, then check size and memory against the profile.</summary>
public static class BudgetReview
{
    public static BudgetOutcome Run(DeviceProfile profile, ModelProto model, string modelPath, long modelBytes,
        IReadOnlyDictionary<string, long> dims, bool failOnBudget)
    {
        MemoryEstimate? memory = null;
        string? note = null;
        try
        {
            memory = MemoryEstimator.Estimate(model, Path.GetDirectoryName(Path.GetFullPath(modelPath)), dims, profile.DimDefaults, profile.Session.IntraOpThreads);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            note = $"peak memory not estimated: {e.Message}";
        }
        catch (OnnxRuntimeException e)
        {
            note = $"peak memory not estimated: ONNX Runtime could not run the model at the declared dims ({e.Message})";
        }

        return new BudgetOutcome(memory, BudgetCheck.Check(profile, modelPath, modelBytes, memory, failOnBudget), note);
    }
}

/// <summary>The estimate (null when it could not be made, see <see cref="Note"/>) and the exceeded budgets.</summary>
public sealed record BudgetOutcome(MemoryEstimate? Memory, IReadOnlyList<Finding> Findings, string? Note);
