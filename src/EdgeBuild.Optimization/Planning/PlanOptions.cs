using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Planning;

/// <summary>An `optimize` request's options as the planner takes them.</summary>
internal static class PlanOptions
{
    public static PlannerOptions From(OptimizeRequest request) => new()
    {
        Precision = Enum.Parse<Precision>(request.Precision, ignoreCase: true),
        ExcludeNodes = request.ExcludeNodes,
        MinSqnrDb = request.MinSqnrDb,
        // The quantizer and the planner each have their calibration enum; the names are the same.
        CalibrationMethod = Enum.Parse<CalibrationMethod>(request.CalibrationMethod.ToString()),
        CalibrationData = request.CalibrationData,
        ValidationData = request.ValidationData,
        Dims = request.Dims,
        FailOnBudget = request.FailOnBudget,
    };
}
