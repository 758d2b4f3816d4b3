using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// The If/Loop/Scan bodies of a model, each with the node that owns it and the graph that node lives in, depth-first
/// in stored order (deterministic). Static QDQ quantizes each body as a graph of its own (ORT fuses DQ→op→Q only
/// within one graph), so every new name must be unique across the whole model, not just its graph.
/// </summary>
internal static class ControlFlowBodies
{
    /// <summary>A body: <see cref="Graph"/> is attribute <see cref="Attribute"/> of <see cref="Owner"/>, a node of <see cref="Parent"/>.</summary>
    public sealed record Body(GraphProto Graph, NodeProto Owner, GraphProto Parent, string Attribute);

    public static List<Body> All(GraphProto main)
    {
        var bodies = new List<Body>();
        Walk(main, bodies);
        return bodies;
    }

    /// <summary>A view over <paramref name="graph"/> (main or a body) whose new names avoid every name of the model.</summary>
    public static OnnxGraph View(GraphProto graph, GraphProto main)
    {
        var view = new OnnxGraph(graph);
        view.ReserveNames(GraphScopes.Build(main).Names);
        return view;
    }

    private static void Walk(GraphProto graph, List<Body> bodies)
    {
        foreach (var node in graph.Node)
        {
            foreach (var attr in node.Attribute)
            {
                if (attr.G is { } g)
                {
                    bodies.Add(new Body(g, node, graph, attr.Name));
                    Walk(g, bodies);
                }

                foreach (var sub in attr.Graphs)
                {
                    bodies.Add(new Body(sub, node, graph, attr.Name));
                    Walk(sub, bodies);
                }
            }
        }
    }
}
