using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Pipeline;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Optimization;

/// <summary>
/// `optimize`: resolve the profile, plan, load and check the source, run the plan's steps in order
/// (<see cref="PlanRunner"/>), and gather the result and report. What the plan says is what runs; the source model
/// is only read. Caching wraps this (Caching/CachedOptimizer).
/// </summary>
public static class ModelOptimizer
{
    public static OptimizeResult Optimize(OptimizeRequest request)
    {
        var profile = ProfileSelection.Resolve(request.TargetId, request.ProfilePath);
        // The model first: a missing or broken source is the error to report, whatever else the request lacks.
        var (model, originalBytes) = ModelFiles.LoadWithSize(request.ModelPath);
        SignatureReader.EnsureBuffersFit(SignatureReader.Inputs(model, request.Dims, profile), request.ModelPath);
        var plan = OptimizationPlanner.Plan(profile, request, Compression.Float16Widening.Inspect(model));
        var originalNodes = model.Graph.Node.Count;
        var state = new PipelineState(request, profile, model, originalBytes, new PassContext(model)) { Precision = plan.Precision };
        state.Clock.Mark("load and check the source");

        PlanRunner.Run(plan, state);

        var quantizedNodes = state.QuantizationSummary?.QuantizedNodes ?? [];
        var result = new OptimizeResult
        {
            OutputPath = request.OutputPath,
            Target = profile.Id,
            Precision = PlanValue.Of(plan.Precision),
            OriginalBytes = originalBytes,
            OptimizedBytes = state.OptimizedBytes,
            Sha256 = state.Sha256!,
            ExternalDataPath = state.ExternalDataPath,
            OriginalNodeCount = originalNodes,
            OptimizedNodeCount = state.Model.Graph.Node.Count,
            PassRewrites = state.PassRewrites,
            Notes = state.Context.Notes,
            QuantizedNodes = quantizedNodes.Count,
            Accuracy = state.Accuracy.Select(a => new OutputAccuracy(a.Name, a.SqnrDb, a.WorstSampleSqnrDb, a.MaxAbsError, a.Cosine, a.Top1Agreement)
            {
                Metrics = (state.AccuracyBudget?.Results(a) ?? []).Select(m => new OutputMetric(m.Requirement.Metric(), double.IsFinite(m.Value) ? m.Value : null, m.Measured, m.Budget, m.Holds)).ToList(),
            }).ToList(),
            ManifestPath = request.ManifestPath,
            Findings = [.. state.Findings, .. state.Budget!.Findings],
            AccuracyIsSynthetic = state.AccuracyIsSynthetic,
            ExecutedSteps = state.ExecutedSteps,
        };
        return result with { Report = ReportAssembler.Build(result, request, profile, plan, state.Model, quantizedNodes, state.Layers, state.Budget, state.Clock.Stages) };
    }
}
