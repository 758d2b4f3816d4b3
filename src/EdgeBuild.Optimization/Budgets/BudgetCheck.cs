using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>Size and memory of an optimized model against the profile's budgets.</summary>
public static class BudgetCheck
{
    public const string ModelSizeCode = DiagnosticCodes.SizeBudget;
    public const string PeakMemoryCode = DiagnosticCodes.MemoryBudget;

    /// <summary>One finding per exceeded budget, as an error when <paramref name="failOnBudget"/> (exit 1), else a warning.</summary>
    public static IReadOnlyList<Finding> Check(DeviceProfile profile, string modelPath, long modelBytes, MemoryEstimate? memory, bool failOnBudget)
    {
        var findings = new List<Finding>();
        var budgets = profile.Budgets;
        if (budgets.MaxModelBytes is { } maxModel && modelBytes > maxModel)
        {
            findings.Add(new Finding(ModelSizeCode, failOnBudget, modelPath,
                $"optimized model is {ByteSize.Format(modelBytes)} ({modelBytes} bytes), over {profile.Id}'s model budget of {ByteSize.Format(maxModel)} ({maxModel} bytes)",
                "use a smaller precision (int8/int4), or raise budgets.maxModelBytes in a custom profile"));
        }

        if (budgets.MaxPeakMemoryBytes is { } maxPeak && memory is not null && memory.EstimatedPeakBytes > maxPeak)
        {
            findings.Add(new Finding(PeakMemoryCode, failOnBudget, modelPath,
                $"estimated peak memory is {ByteSize.Format(memory.EstimatedPeakBytes)} (weights {ByteSize.Format(memory.InitializerBytes)} + activations {ByteSize.Format(memory.PeakActivationBytes)} at {memory.PeakNode}, for {string.Join(" ", memory.InputShapes)}), over {profile.Id}'s budget of {ByteSize.Format(maxPeak)}",
                "declare smaller Dims, quantize (int8 activations are 4x smaller), or raise budgets.maxPeakMemoryBytes in a custom profile"));
        }

        return findings;
    }
}
