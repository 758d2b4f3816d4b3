using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// The Casts the float16 passes (<see cref="Float16Conversion"/>, <see cref="Float16Widening"/>) put where float32 and
/// float16 values meet: one per value and direction, shared by every reader that wants it, named value_fp16 /
/// value_fp32 (unique in the graph). Appended to the graph in the order first asked for, so the bytes follow the pass's
/// own walk.
/// </summary>
internal sealed class Float16Casts(OnnxGraph graph)
{
    private readonly Dictionary<(string Value, int To), string> _casts = [];
    private readonly HashSet<string> _float32Copies = new(StringComparer.Ordinal);

    /// <summary>Casts added so far.</summary>
    public int Count => _casts.Count;

    /// <summary>Whether <paramref name="value"/> is the output of a Cast to float32 added here.</summary>
    public bool IsFloat32Copy(string value) => _float32Copies.Contains(value);

    /// <summary>The copy of <paramref name="value"/> cast to <paramref name="to"/> (DType.Float16 or DType.Float), added on first use.</summary>
    public string Of(string value, int to)
    {
        if (_casts.TryGetValue((value, to), out var existing)) return existing;
        var output = graph.UniqueName(value + (to == DType.Float16 ? "_fp16" : "_fp32"));
        graph.AddNode(new NodeProto { Name = graph.UniqueName(output + "_Cast"), OpType = "Cast", Input = { value }, Output = { output }, Attribute = { Attributes.Int("to", to) } });
        if (to == DType.Float) _float32Copies.Add(output);
        return _casts[(value, to)] = output;
    }
}
