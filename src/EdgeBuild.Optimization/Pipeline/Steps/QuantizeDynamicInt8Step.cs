using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="QuantizeDynamicInt8Step"/>.</summary>
public sealed record QuantizeDynamicInt8Settings(bool PerChannel, bool ReduceRange, IReadOnlyList<string> ExcludeNodes, int MinColumns = 1);

/// <summary>Dynamic int8 MatMul/Gemm (<see cref="DynamicInt8Quantizer"/>): int8 weights offline, activations quantized at run time.</summary>
internal sealed class QuantizeDynamicInt8Step : PipelineStep<QuantizeDynamicInt8Settings>
{
    public override string Id => PlanStepIds.QuantizeDynamicInt8;

    protected override void Run(PipelineState state, QuantizeDynamicInt8Settings settings) =>
        DynamicInt8Quantizer.Run(state.Model, state.Context,
            new DynamicInt8Quantizer.Options(settings.PerChannel, settings.ReduceRange, settings.ExcludeNodes.ToHashSet(StringComparer.Ordinal), settings.MinColumns));
}
