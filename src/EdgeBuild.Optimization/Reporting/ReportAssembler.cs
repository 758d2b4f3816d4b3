using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>Gathers what the pipeline measured into the <see cref="OptimizationReport"/> (NAME.report.json/.html).</summary>
internal static class ReportAssembler
{
    public static OptimizationReport Build(OptimizeResult result, OptimizeRequest request, DeviceProfile profile, OptimizationPlan plan,
        ModelProto optimized, IReadOnlyList<string> quantizedNodes, IReadOnlyList<LayerError> layers, BudgetOutcome budget, IReadOnlyList<StageTime> stages) => new()
    {
        ModelName = Path.GetFileNameWithoutExtension(request.OutputPath),
        Target = result.Target,
        Precision = result.Precision,
        OriginalBytes = result.OriginalBytes,
        OptimizedBytes = result.OptimizedBytes,
        OriginalNodeCount = result.OriginalNodeCount,
        OptimizedNodeCount = result.OptimizedNodeCount,
        Outputs = result.Accuracy.Select(a => new OutputError(a.Name, a.SqnrDb, a.WorstSampleSqnrDb, a.MaxAbsError, a.Cosine) { Metrics = a.Metrics }).ToList(),
        OutputsAreSynthetic = result.AccuracyIsSynthetic,
        Layers = layers,
        QuantizedNodes = quantizedNodes,
        ExcludedNodes = KeptInFloat(optimized, quantizedNodes, request.ExcludeNodes),
        Memory = budget.Memory,
        MaxModelBytes = profile.Budgets.MaxModelBytes,
        MaxPeakMemoryBytes = profile.Budgets.MaxPeakMemoryBytes,
        Findings = result.Findings.Select(f => f.ToString()).ToList(),
        Stages = stages,
        Plan = plan,
        Notes = result.Notes,
    };

    /// <summary>
    /// Nodes left in float although the quantizer handles their op type (it quantized others of it), or that
    /// the user excluded: the accuracy fallback's choices and the user's, which is what a reader looks for.
    /// </summary>
    private static IReadOnlyList<ExcludedNode> KeptInFloat(ModelProto optimized, IReadOnlyList<string> quantizedNodes, IReadOnlyList<string> asked)
    {
        if (quantizedNodes.Count == 0) return [];
        var quantized = quantizedNodes.ToHashSet(StringComparer.Ordinal);
        var askedSet = asked.ToHashSet(StringComparer.Ordinal);
        var quantizedTypes = optimized.Graph.Node.Where(n => quantized.Contains(n.Name)).Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
        return optimized.Graph.Node
            .Where(n => n.Name.Length > 0 && !quantized.Contains(n.Name) && (askedSet.Contains(n.Name) || quantizedTypes.Contains(n.OpType)))
            .Select(n => new ExcludedNode(n.Name, askedSet.Contains(n.Name)
                ? "excluded as asked (--exclude-nodes / ExcludeNodes)"
                : $"{n.OpType} left in float (accuracy fallback, or inputs the quantizer does not handle)"))
            .ToList();
    }
}
