using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Shared;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Tests.Compression;

/// <summary>
/// The float32 network behind the pinned ISNet: the package ships it with fp16 weights and Cast nodes around the
/// convs (float32 in, fp16 inside, float32 out). Widening every fp16 initializer and Constant to float32 and making
/// the float↔fp16 Casts Identity gives the same network in float32 (fp16 values widen exactly). Only the main mask
/// output is kept (the other 11 are deep-supervision side outputs, dead code in use).
/// </summary>
internal static class IsnetFloat32
{
    public const string Output = "output";

    public static string Write(string path)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestAssets.IsnetFp16));
        var graph = model.Graph;
        for (var i = 0; i < graph.Initializer.Count; i++) graph.Initializer[i] = Widen(graph.Initializer[i]);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Cast" && Attributes.GetInt(node, "to", 0) is DType.Float or DType.Float16)
            {
                node.OpType = "Identity";
                node.Attribute.Clear();
            }

            foreach (var a in node.Attribute.Where(a => a.T is not null && a.T.DataType == DType.Float16)) a.T = Widen(a.T);
        }

        foreach (var v in graph.ValueInfo.Concat(graph.Input).Concat(graph.Output).Where(v => v.Type?.TensorType?.ElemType == DType.Float16))
            v.Type.TensorType.ElemType = DType.Float;
        var output = graph.Output.Single(o => o.Name == Output);
        graph.Output.Clear();
        graph.Output.Add(output);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static TensorProto Widen(TensorProto t) =>
        t.DataType == DType.Float16 ? Tensors.FromFloats(t.Name, Tensors.ToFloatArray(t), [.. t.Dims]) : t;
}
