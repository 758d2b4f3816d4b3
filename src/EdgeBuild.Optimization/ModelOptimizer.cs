using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Targets;

namespace EdgeBuild.Optimization;

/// <summary>
/// The optimize pipeline: load, clean up, compress for the requested precision, check the result loads
/// in ONNX Runtime, write model (and manifest) atomically, check budgets and assemble the report.
/// The source model is only read. Caching wraps this (Caching/CachedOptimizer).
/// </summary>
public static class ModelOptimizer
{
    public static readonly IReadOnlyList<string> Precisions = ["auto", "int8", "uint8", "fp16", "int4", "none"];

    public static OptimizeResult Optimize(OptimizeRequest request)
    {
        if (!Precisions.Contains(request.Precision))
            throw new OptimizationInputException("EDGE0002", "--precision", $"unknown precision '{request.Precision}'", $"Use one of: {string.Join(", ", Precisions)}");
        var clock = new StageClock();
        var profile = Profiles.ProfileSelection.Resolve(request.TargetId, request.ProfilePath);
        var target = BuiltInTargets.FromProfile(profile);
        var precision = request.Precision == "auto" ? target.DefaultPrecision : request.Precision;
        var plan = PipelineCoverage.Annotate(OptimizationPlanner.Plan(profile, PlanOptions.From(request)));
        if (request.Dynamic && precision != "int8")
            throw new OptimizationInputException("EDGE0002", "--dynamic", $"--dynamic applies to int8 only, not to precision '{precision}'", "Use --precision int8 --dynamic, or drop --dynamic");

        var (model, originalBytes) = ModelFiles.LoadWithSize(request.ModelPath);
        SignatureReader.EnsureBuffersFit(SignatureReader.Inputs(model, request.Dims, target), request.ModelPath);
        var originalNodes = model.Graph.Node.Count;
        clock.Mark("load and check the source");

        var context = new PassContext(model);
        var graph = new OnnxGraph(model.Graph);
        var rewrites = CleanupPipeline.Run(graph, context);
        clock.Mark("cleanup");

        var source = model.Clone();
        IReadOnlyList<Verification.OutputComparison> accuracy = [];
        QuantizationSummary? quantization = null;
        switch (precision)
        {
            case "none":
                break;
            case "int8" when request.Dynamic:
                accuracy = Compression.CompressionStep.DynamicInt8(source, model, request, target, context);
                break;
            case "int8" or "uint8":
                (quantization, accuracy) = StaticInt8.Run(source, model, request, target, precision == "int8" ? target.Scheme.SignedActivations : false, context);
                break;
            case "fp16":
                accuracy = Compression.CompressionStep.Fp16(source, model, request, target, context);
                break;
            case "int4":
                accuracy = Compression.CompressionStep.Int4(source, model, request, target, context);
                break;
            default:
                throw new NotSupportedException($"precision '{precision}' is not implemented; use --precision int8, uint8, fp16, int4 or none");
        }

        clock.Mark(precision == "none" ? "no compression" : $"{precision}: compress and verify");

        var quantizedNodes = quantization?.QuantizedNodes ?? [];
        var (layers, layerNote) = LayerErrorStep.Measure(source, model, quantizedNodes, request);
        if (layerNote is not null) context.Notes.Add(layerNote);
        clock.Mark("per-layer error");

        if (precision != "none")
        {
            // Size only, after verification: both are exact (names and spelled-out defaults carry no information).
            var written = new OnnxGraph(model.Graph);
            new DefaultAttributesPass().Run(written, context);
            new CompactNamesPass().Run(written, context);
        }

        Stamp(model);
        var (sha, optimizedBytes) = OptimizedModelWriter.Write(model, request);

        if (request.ManifestPath is not null)
        {
            ManifestWriter.Write(BuildManifest(request, target, precision, model, sha), request.ManifestPath);
        }

        clock.Mark("write model and manifest");

        var budget = BudgetReview.Run(profile, model, request.OutputPath, optimizedBytes, request.Dims, request.FailOnBudget);
        if (budget.Note is not null) context.Notes.Add(budget.Note);
        clock.Mark("estimate memory, check budgets");

        var result = new OptimizeResult
        {
            OutputPath = request.OutputPath,
            Target = target.Id,
            Precision = precision,
            OriginalBytes = originalBytes,
            OptimizedBytes = optimizedBytes,
            Sha256 = sha,
            OriginalNodeCount = originalNodes,
            OptimizedNodeCount = model.Graph.Node.Count,
            PassRewrites = rewrites,
            Notes = context.Notes,
            QuantizedNodes = quantization?.QuantizedNodes.Count ?? 0,
            Accuracy = accuracy.Select(a => new OutputAccuracy(a.Name, a.SqnrDb, a.WorstSampleSqnrDb, a.MaxAbsError, a.Cosine, a.Top1Agreement)).ToList(),
            ManifestPath = request.ManifestPath,
            BudgetFindings = budget.Findings,
        };
        return result with { Report = ReportAssembler.Build(result, request, profile, plan, model, quantizedNodes, layers, budget, clock.Stages) };
    }

    /// <summary>Records who wrote the model; no timestamps, so identical inputs give identical bytes.</summary>
    private static void Stamp(ModelProto model)
    {
        model.ProducerName = "EdgeBuild";
        model.ProducerVersion = typeof(ModelOptimizer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    private static SignatureManifest BuildManifest(OptimizeRequest request, TargetSettings target, string precision, ModelProto model, string sha)
    {
        var fileName = Path.GetFileName(request.OutputPath);
        var className = request.ClassName ?? PascalCase.ClassNameForFile(Path.GetFileNameWithoutExtension(request.OutputPath));
        var inputs = SignatureReader.Inputs(model, request.Dims, target);
        return new SignatureManifest
        {
            ClassName = className,
            Namespace = request.Namespace,
            ModelFileName = fileName,
            Embedded = request.Embed,
            ResourceName = request.Embed ? (request.Namespace is null ? fileName : $"{request.Namespace}.{fileName}") : null,
            Sha256 = sha,
            Target = target.Id,
            Precision = precision,
            Session = target.Session,
            Inputs = inputs,
            Outputs = SignatureReader.Outputs(model, inputs, request.Dims, target),
        };
    }
}
