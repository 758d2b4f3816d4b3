using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// The semantics-preserving cleanup run before any quantization (and alone for --precision none):
/// each pass in order, repeated until a round changes nothing.
/// </summary>
public static class CleanupPipeline
{
    private const int MaxRounds = 8;

    public static IReadOnlyList<IGraphPass> Passes { get; } =
    [
        new ConstantToInitializerPass(),
        new IdentityEliminationPass(),
        new ConstantFoldingPass(),
        new BatchNormFoldingPass(),
        new InitializerDeduplicationPass(),
        new DeadCodeEliminationPass(),
    ];

    /// <summary>Runs the passes on the main graph; returns the number of rewrites per pass name.</summary>
    public static IReadOnlyDictionary<string, int> Run(OnnxGraph graph, PassContext context)
    {
        var totals = Passes.ToDictionary(p => p.Name, _ => 0, StringComparer.Ordinal);
        for (var round = 0; round < MaxRounds; round++)
        {
            var changed = 0;
            foreach (var pass in Passes)
            {
                var n = pass.Run(graph, context);
                totals[pass.Name] += n;
                changed += n;
            }

            if (changed == 0) break;
        }

        graph.SortTopologically();
        return totals;
    }
}
