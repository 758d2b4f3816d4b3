using System.Security.Cryptography;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Targets;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization;

/// <summary>
/// The optimize pipeline: load, clean up, compress for the requested precision, check the result loads
/// in ONNX Runtime, write model (and manifest) atomically. The source model is only read.
/// </summary>
public static class ModelOptimizer
{
    public static readonly IReadOnlyList<string> Precisions = ["auto", "int8", "uint8", "fp16", "int4", "none"];

    public static OptimizeResult Optimize(OptimizeRequest request)
    {
        if (!Precisions.Contains(request.Precision))
            throw new OptimizationInputException("EDGE0002", "--precision", $"unknown precision '{request.Precision}'", $"Use one of: {string.Join(", ", Precisions)}");
        var target = BuiltInTargets.Get(request.TargetId);
        var precision = request.Precision == "auto" ? target.DefaultPrecision : request.Precision;

        var model = ModelFiles.Load(request.ModelPath);
        var originalBytes = new FileInfo(request.ModelPath).Length;
        var originalNodes = model.Graph.Node.Count;

        var context = new PassContext(model);
        var graph = new OnnxGraph(model.Graph);
        var rewrites = CleanupPipeline.Run(graph, context);

        var source = model.Clone();
        IReadOnlyList<Verification.OutputComparison> accuracy = [];
        QuantizationSummary? quantization = null;
        switch (precision)
        {
            case "none":
                break;
            case "int8" or "uint8":
                (quantization, accuracy) = StaticInt8.Run(source, model, request, target, precision == "int8" ? target.Scheme.SignedActivations : false, context);
                break;
            default:
                throw new NotSupportedException($"precision '{precision}' is not implemented yet; use --precision int8, uint8 or none");
        }

        if (precision != "none") new CompactNamesPass().Run(new OnnxGraph(model.Graph), context);
        Stamp(model);
        var bytes = model.ToByteArray();
        CheckLoads(bytes, request.ModelPath);
        ModelFiles.WriteAtomically(request.OutputPath, bytes);
        var sha = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

        if (request.ManifestPath is not null)
        {
            ManifestWriter.Write(BuildManifest(request, target, precision, model, sha), request.ManifestPath);
        }

        return new OptimizeResult
        {
            OutputPath = request.OutputPath,
            Target = target.Id,
            Precision = precision,
            OriginalBytes = originalBytes,
            OptimizedBytes = bytes.LongLength,
            Sha256 = sha,
            OriginalNodeCount = originalNodes,
            OptimizedNodeCount = model.Graph.Node.Count,
            PassRewrites = rewrites,
            Notes = context.Notes,
            QuantizedNodes = quantization?.QuantizedNodes.Count ?? 0,
            Accuracy = accuracy.Select(a => new OutputAccuracy(a.Name, a.SqnrDb, a.WorstSampleSqnrDb, a.MaxAbsError, a.Cosine, a.Top1Agreement)).ToList(),
            ManifestPath = request.ManifestPath,
        };
    }

    /// <summary>Records who wrote the model; no timestamps, so identical inputs give identical bytes.</summary>
    private static void Stamp(ModelProto model)
    {
        model.ProducerName = "EdgeBuild";
        model.ProducerVersion = typeof(ModelOptimizer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    private static void CheckLoads(byte[] bytes, string sourcePath)
    {
        try
        {
            using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_DISABLE_ALL);
            using var session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            // Our output must load; if it does not, that's our bug, reported with the source it came from.
            throw new InvalidOperationException($"EdgeBuild produced a model ONNX Runtime refuses (from {sourcePath}): {e.Message}", e);
        }
    }

    private static SignatureManifest BuildManifest(OptimizeRequest request, TargetSettings target, string precision, ModelProto model, string sha)
    {
        var fileName = Path.GetFileName(request.OutputPath);
        var className = request.ClassName ?? Identifiers.ToClassName(Path.GetFileNameWithoutExtension(request.OutputPath));
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
