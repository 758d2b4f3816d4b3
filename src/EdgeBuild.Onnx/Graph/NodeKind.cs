using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Graph;

/// <summary>Questions about a node that many passes ask alike, answered in one place so they cannot drift apart.</summary>
public static class NodeKind
{
    /// <summary>
    /// Whether the node carries a graph (If's branches, Loop's and Scan's body): such a node reads outer values by name
    /// from inside its bodies, which a pass that sees only its explicit inputs would miss.
    /// </summary>
    public static bool HasSubgraphs(NodeProto node) => node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0);
}
