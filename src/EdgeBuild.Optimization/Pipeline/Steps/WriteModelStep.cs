using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// Writes the verified model (after checking ONNX Runtime loads it) and, when asked, the signature manifest the
/// source generator reads; both atomically, byte-identical for identical inputs.
/// </summary>
internal sealed class WriteModelStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.Write;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        Stamp(state.Model);
        (state.Sha256, state.OptimizedBytes, state.ExternalDataPath, state.ExternalDataSha256) = OptimizedModelWriter.Write(state.Model, state.Request);
        if (state.Request.ManifestPath is { } manifest) ManifestWriter.Write(BuildManifest(state), manifest);
    }

    /// <summary>Records who wrote the model; no timestamps, so identical inputs give identical bytes.</summary>
    private static void Stamp(ModelProto model)
    {
        model.ProducerName = "EdgeBuild";
        model.ProducerVersion = typeof(ModelOptimizer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    private static SignatureManifest BuildManifest(PipelineState state)
    {
        var request = state.Request;
        var fileName = Path.GetFileName(request.OutputPath);
        var inputs = SignatureReader.Inputs(state.Model, request.Dims, state.Profile);
        return new SignatureManifest
        {
            ClassName = request.ClassName ?? PascalCase.ClassNameForFile(Path.GetFileNameWithoutExtension(request.OutputPath)),
            Namespace = request.Namespace,
            ModelFileName = fileName,
            Embedded = request.Embed,
            ResourceName = request.Embed ? (request.Namespace is null ? fileName : $"{request.Namespace}.{fileName}") : null,
            Sha256 = state.Sha256!,
            ExternalData = state.ExternalDataPath is { } data ? new ExternalDataSignature(Path.GetFileName(data), state.ExternalDataSha256!) : null,
            Target = state.Profile.Id,
            Precision = PlanValue.Of(state.Precision),
            Session = state.Profile.Session,
            Inputs = inputs,
            Outputs = SignatureReader.Outputs(state.Model, inputs, request.Dims, state.Profile),
        };
    }
}
