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

    /// <summary>
    /// Whether the node is an op of ONNX's own operator set, whose semantics the passes know; a custom domain's op of
    /// the same name (com.microsoft's, a vendor's) may compute something else.
    /// </summary>
    public static bool IsStandard(NodeProto node) => IsStandardDomain(node.Domain);

    /// <summary>ONNX's own domain, written as "" or as its alias "ai.onnx" (on nodes and in opset imports alike).</summary>
    public static bool IsStandardDomain(string domain) => domain is "" or "ai.onnx";
}
