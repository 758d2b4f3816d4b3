using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;
using EdgeBuild.Optimization.Quantization.Operators;

namespace EdgeBuild.Optimization.Quantization;

/// <summary>
/// Exporters keep a body's weights in the main graph (Silero's Convs, hey_jarvis' verifier Gemms), read by name across
/// the scope boundary. ORT fuses DQ→op→Q only inside one graph, so a body's quantized op needs its weight's
/// DequantizeLinear in the body: <see cref="Localize"/> gives each body a private copy (a new unique name) of every outer
/// float initializer its quantizable ops read; the emitter then quantizes that copy in place. <see cref="Restore"/>
/// points reads still on a float copy back to the outer original and drops the copies, so nothing is stored twice in float.
/// </summary>
internal static class BodyConstants
{
    /// <summary>A copy of outer initializer <see cref="Original"/>, named <see cref="Copy"/>, in <see cref="Body"/>.</summary>
    public sealed record LocalCopy(GraphProto Body, string Copy, string Original);

    public static List<LocalCopy> Localize(GraphProto main)
    {
        var scopes = GraphScopes.Build(main);
        var copies = new List<LocalCopy>();
        var byBody = new Dictionary<(GraphProto, string), string>();
        foreach (var definition in scopes.Definitions)
        {
            if (definition.ConstantNode is not null || definition.Tensor.DataType != DType.Float) continue;
            foreach (var read in scopes.ReadsOf(definition))
            {
                if (read.Node is not { } node || ReferenceEquals(read.Graph, definition.Graph)) continue;
                if (OperatorQuantizers.For(node.OpType, node.Domain) is null) continue;
                if (!byBody.TryGetValue((read.Graph, definition.Name), out var copy))
                {
                    copy = scopes.UniqueName(definition.Name + "_local");
                    var tensor = definition.Tensor.Clone();
                    tensor.Name = copy;
                    read.Graph.Initializer.Add(tensor);
                    byBody[(read.Graph, definition.Name)] = copy;
                    copies.Add(new LocalCopy(read.Graph, copy, definition.Name));
                }

                node.Input[read.Input] = copy;
            }
        }

        return copies;
    }

    public static void Restore(IEnumerable<LocalCopy> copies)
    {
        foreach (var c in copies)
        {
            Rename(c.Body, c.Copy, c.Original);
            for (var i = c.Body.Initializer.Count - 1; i >= 0; i--)
            {
                if (c.Body.Initializer[i].Name == c.Copy) c.Body.Initializer.RemoveAt(i);
            }
        }
    }

    /// <summary>Reads of <paramref name="from"/> in <paramref name="body"/> and its nested bodies (the copy is not shadowed there: its name is unique).</summary>
    private static void Rename(GraphProto body, string from, string to)
    {
        foreach (var node in body.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from) node.Input[i] = to;
            }

            foreach (var attr in node.Attribute)
            {
                if (attr.G is { } g) Rename(g, from, to);
                foreach (var sub in attr.Graphs) Rename(sub, from, to);
            }
        }

        foreach (var o in body.Output)
        {
            if (o.Name == from) o.Name = to;
        }
    }
}
