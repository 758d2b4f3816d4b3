using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>
/// Every graph nested in a graph's nodes (If branches, Loop/Scan bodies, at any depth), read straight from the protobuf:
/// the body tests look into bodies without leaning on the ControlFlowBodies walk the code under test uses.
/// </summary>
internal static class GraphBodies
{
    public static IEnumerable<GraphProto> Of(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Attribute).Where(a => a.G is not null).SelectMany(a => Of(a.G).Prepend(a.G));
}
