using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Quantization;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// Data-free plan, before the weights are compressed: the float rewrites the static int8 path starts from
/// (<see cref="QdqQuantizer.PreQuantizationPasses"/>: a constant Mul/Add after a Conv folded into its weights and bias,
/// each hard-swish chain x·Clip(x + 3, 0, 6)/6 as one HardSwish, a division by a constant as a product). The data-free
/// weights compute in float, so without them the one-line default ran at float32's latency while the static path, its
/// convs in float too, ran at three quarters of it. They need opset 13 or later, so an older model is raised to 13 first
/// (<see cref="OpsetUpgrade"/>, as the static path does); a model none of them changes is left exactly as it was, and one
/// the upgrade refuses (or the rewrites cannot read) is left as it was with a note. Exact up to float rounding; the
/// rewritten model becomes the reference the checks compare against, as <see cref="WidenFloat16Step"/>'s does, so the
/// bias correction compares each rounded weight with the float weight it was rounded from.
/// </summary>
internal sealed class FoldAndFuseStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.FoldAndFuse;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        IReadOnlyDictionary<string, int> rewrites;
        try
        {
            rewrites = Rewrite(state.Model.Clone()); // a dry run: a model they do not change keeps its opset and bytes
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only a speed-up: a model the opset upgrade refuses (NotSupportedException) or that the rewrites cannot read
            // builds as it did without them, and the note says why.
            state.Context.Notes.Add($"float rewrites skipped: {e.Message}");
            return;
        }

        if (rewrites.Values.Sum() == 0) return;
        Rewrite(state.Model);
        state.Reference = state.Model.Clone();
        state.Context.Notes.Add("float rewrites before compressing: " + string.Join(", ", rewrites.Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value}")));
    }

    private static IReadOnlyDictionary<string, int> Rewrite(ModelProto model)
    {
        var graph = new OnnxGraph(model.Graph);
        var context = new PassContext(model);
        if (context.OpsetVersion() < 13) OpsetUpgrade.To13(model, graph);
        var counts = QdqQuantizer.PreQuantizationPasses.ToDictionary(p => p.Name, p => p.Run(graph, context), StringComparer.Ordinal);
        CleanupPipeline.Run(graph, context);
        return counts;
    }
}
