using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Onnx.Graph;

/// <summary>Creates and reads NodeProto attributes with their ONNX defaults.</summary>
public static class Attributes
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static AttributeProto Graph(string name, GraphProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = value };

    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long GetInt(NodeProto node, string name, long defaultValue) => Find(node, name) is { } a ? a.I : defaultValue;

    public static float GetFloat(NodeProto node, string name, float defaultValue) => Find(node, name) is { } a ? a.F : defaultValue;

    public static string GetString(NodeProto node, string name, string defaultValue) =>
        Find(node, name) is { } a ? a.S.ToStringUtf8() : defaultValue;

    public static long[] GetInts(NodeProto node, string name) => Find(node, name) is { } a ? [.. a.Ints] : [];

    /// <summary>Sets or replaces an attribute by name.</summary>
    public static void Set(NodeProto node, AttributeProto attribute)
    {
        for (var i = 0; i < node.Attribute.Count; i++)
        {
            if (node.Attribute[i].Name == attribute.Name)
            {
                node.Attribute[i] = attribute;
                return;
            }
        }

        node.Attribute.Add(attribute);
    }
}
