using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Planning;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// Bytes that carry no information: attributes spelled out at their defaults and long exporter names
/// (<see cref="DefaultAttributesPass"/>, <see cref="CompactNamesPass"/>). Exact; the verify step after it checks the
/// bytes that ship.
/// </summary>
internal sealed class CompactEncodingStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.CompactEncoding;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        var graph = new OnnxGraph(state.Model.Graph);
        new DefaultAttributesPass().Run(graph, state.Context);
        new CompactNamesPass().Run(graph, state.Context);
    }
}
