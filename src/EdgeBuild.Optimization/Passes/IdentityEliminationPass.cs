using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Removes Identity nodes. Graph output names are the model's public signature, so when an Identity
/// feeds a graph output, its producer is renamed to emit the output directly instead.
/// </summary>
public sealed class IdentityEliminationPass : IGraphPass
{
    public string Name => "identity-elimination";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var changes = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Identity" && NodeKind.IsStandard(n)).ToList())
        {
            var input = node.Input[0];
            var output = node.Output[0];
            if (!graph.IsGraphOutput(output))
            {
                graph.RemoveNode(node);
                graph.ReplaceAllUses(output, input);
                changes++;
                continue;
            }

            // The output must keep its name: rename the value upstream when that is unambiguous.
            var producer = graph.Producer(input);
            if (producer is null || graph.IsGraphOutput(input)) continue;
            graph.RemoveNode(node);
            graph.RenameValue(input, output);
            changes++;
        }

        return changes;
    }
}
