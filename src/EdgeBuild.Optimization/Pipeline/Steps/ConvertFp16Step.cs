using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>Settings of <see cref="ConvertFp16Step"/>.</summary>
public sealed record ConvertFp16Settings(IReadOnlyList<string> ExcludeNodes);

/// <summary>Weights and activations to float16, model inputs and outputs keep their types (<see cref="Float16Conversion"/>).</summary>
internal sealed class ConvertFp16Step : PipelineStep<ConvertFp16Settings>
{
    public override string Id => PlanStepIds.ConvertFp16;

    protected override void Run(PipelineState state, ConvertFp16Settings settings) =>
        Float16Conversion.Run(state.Model, state.Context, excludeNodes: settings.ExcludeNodes.ToHashSet(StringComparer.Ordinal));
}
