using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Mutations of a parsed model that stay valid protobuf but break ONNX's rules: what a malicious or buggy exporter
/// writes. Each returns a short detail for the log, or null when the model has nothing it applies to.
/// </summary>
internal static class StructuralMutations
{
    public delegate string? Mutation(ModelProto model, Random rng, Dictionary<string, byte[]> sideFiles);

    public static readonly IReadOnlyList<(string Name, Mutation Apply)> All =
    [
        ("huge-dims", (m, r, _) => SetDims(m, r, [1L << 31, 1L << 31])),
        ("dims-product-overflows", (m, r, _) => SetDims(m, r, [long.MaxValue / 2, 3, 5])),
        ("dims-bytes-overflow", (m, r, _) => SetDims(m, r, [1L << 31, 1L << 31, 4])),
        ("negative-dim", (m, r, _) => SetDims(m, r, [-r.Next(1, 1000), 4])),
        ("zero-dim-with-data", (m, r, _) => SetDims(m, r, [0])),
        ("input-huge-dim", (m, r, _) => SetInputDim(m, r, r.Next(2) == 0 ? long.MaxValue : 1L << 40)),
        ("input-negative-dim", (m, r, _) => SetInputDim(m, r, -r.Next(1, 100))),
        ("raw-data-too-short", (m, r, _) => ResizeRawData(m, r, shrink: true)),
        ("raw-data-too-long", (m, r, _) => ResizeRawData(m, r, shrink: false)),
        ("typed-data-count-wrong", FloatDataCountWrong),
        ("invalid-data-type", (m, r, _) => WithTensor(m, r, t => { t.DataType = r.Next(2) == 0 ? 0 : 999; return $"'{t.Name}' type {t.DataType}"; })),
        ("external-negative-offset", (m, r, f) => MakeExternal(m, r, f, offset: "-4096")),
        ("external-huge-offset", (m, r, f) => MakeExternal(m, r, f, offset: long.MaxValue.ToString())),
        ("external-huge-length", (m, r, f) => MakeExternal(m, r, f, length: long.MaxValue.ToString())),
        ("external-garbage-offset", (m, r, f) => MakeExternal(m, r, f, offset: "12abc")),
        ("external-short-file", (m, r, f) => MakeExternal(m, r, f, truncateFile: true)),
        ("external-missing-file", (m, r, f) => MakeExternal(m, r, f, location: "missing.bin", writeFile: false)),
        ("external-dotdot", (m, r, f) => MakeExternal(m, r, f, location: "../../../../etc/passwd", writeFile: false)),
        ("external-absolute", (m, r, f) => MakeExternal(m, r, f, location: "/etc/passwd", writeFile: false)),
        ("external-nul", (m, r, f) => MakeExternal(m, r, f, location: "w.bin\0.txt", writeFile: false)),
        ("external-and-raw-data", (m, r, f) => MakeExternal(m, r, f, keepRawData: true)),
        ("cyclic-graph", Cycle),
        ("self-loop", SelfLoop),
        ("dangling-input", (m, r, _) => WithNode(m, r, n => n.Input.Count > 0, n => { n.Input[0] = "nothing_produces_this"; return n.Name; })),
        ("dangling-graph-output", (m, _, _) => { m.Graph.Output[0].Name = "nothing_produces_this"; return "output 0"; }),
        ("duplicate-node-names", (m, _, _) => { foreach (var n in m.Graph.Node) n.Name = "same"; return $"{m.Graph.Node.Count} nodes"; }),
        ("duplicate-producers", DuplicateProducers),
        ("duplicate-initializers", DuplicateInitializer),
        ("duplicate-graph-inputs", (m, _, _) => { m.Graph.Input.Add(m.Graph.Input[0].Clone()); return m.Graph.Input[0].Name; }),
        ("deep-subgraph-nesting", (m, r, _) => Nest(m, r.Next(2) == 0 ? r.Next(2, 40) : r.Next(40, 400))),
        ("absurd-attribute-ints", AbsurdInts),
        ("absurd-attribute-int", AbsurdInt),
        ("attribute-type-mismatch", AttributeTypeMismatch),
        ("no-opset-import", (m, _, _) => { m.OpsetImport.Clear(); return ""; }),
        ("opset-from-the-future", (m, _, _) => { m.OpsetImport[0].Version = 100_000; return ""; }),
        ("unknown-operator", (m, r, _) => WithNode(m, r, _ => true, n => { n.OpType = "NoSuchOp"; n.Domain = "evil.example"; return n.Name; })),
        ("empty-op-type", (m, r, _) => WithNode(m, r, _ => true, n => { n.OpType = ""; return n.Name; })),
        ("no-nodes", (m, _, _) => { m.Graph.Node.Clear(); return ""; }),
        ("no-outputs", (m, _, _) => { m.Graph.Output.Clear(); return ""; }),
        ("input-without-type", (m, _, _) => { m.Graph.Input[0].Type = null; return m.Graph.Input[0].Name; }),
        ("huge-string-tensor", HugeStringTensor),
        ("garbage-sparse-initializer", GarbageSparse),
        ("ir-version-from-the-future", (m, _, _) => { m.IrVersion = long.MaxValue; return ""; }),
        ("graph-input-shadowed-by-initializer", ShadowInput),
    ];

    /// <summary>Initializers and the tensors of Constant nodes (paddle2onnx puts every weight in the latter).</summary>
    private static List<TensorProto> Tensors(ModelProto m) =>
    [
        .. m.Graph.Initializer,
        .. m.Graph.Node.Where(n => n.OpType == "Constant").SelectMany(n => n.Attribute).Where(a => a.T is not null).Select(a => a.T),
    ];

    private static string? WithTensor(ModelProto m, Random rng, Func<TensorProto, string> change, Func<TensorProto, bool>? filter = null)
    {
        var candidates = Tensors(m).Where(filter ?? (_ => true)).ToList();
        return candidates.Count == 0 ? null : change(candidates[rng.Next(candidates.Count)]);
    }

    private static string? WithNode(ModelProto m, Random rng, Func<NodeProto, bool> filter, Func<NodeProto, string> change)
    {
        var candidates = m.Graph.Node.Where(filter).ToList();
        return candidates.Count == 0 ? null : change(candidates[rng.Next(candidates.Count)]);
    }

    private static string? SetDims(ModelProto m, Random rng, long[] dims) => WithTensor(m, rng, t =>
    {
        t.Dims.Clear();
        t.Dims.AddRange(dims);
        return $"'{t.Name}' [{string.Join(",", dims)}]";
    });

    private static string? SetInputDim(ModelProto m, Random rng, long value)
    {
        var shaped = m.Graph.Input.Where(i => i.Type?.TensorType?.Shape?.Dim.Count > 0).ToList();
        if (shaped.Count == 0) return null;
        var input = shaped[rng.Next(shaped.Count)];
        var dims = input.Type.TensorType.Shape.Dim;
        var axis = rng.Next(dims.Count);
        dims[axis] = new TensorShapeProto.Types.Dimension { DimValue = value };
        return $"'{input.Name}' axis {axis} = {value}";
    }

    private static string? ResizeRawData(ModelProto m, Random rng, bool shrink) => WithTensor(m, rng, t =>
    {
        var raw = t.RawData.ToByteArray();
        var length = shrink ? rng.Next(raw.Length) : raw.Length + rng.Next(1, 64);
        Array.Resize(ref raw, length);
        t.RawData = ByteString.CopyFrom(raw);
        return $"'{t.Name}' raw_data {t.RawData.Length} bytes";
    }, t => t.HasRawData && t.RawData.Length > 0);

    private static string? FloatDataCountWrong(ModelProto m, Random rng, Dictionary<string, byte[]> _) => WithTensor(m, rng, t =>
    {
        var values = EdgeBuild.Onnx.Graph.Tensors.ToFloatArray(t);
        t.ClearRawData();
        t.FloatData.Clear();
        t.FloatData.AddRange(values.Take(Math.Max(0, values.Length - rng.Next(1, values.Length + 1))));
        return $"'{t.Name}' float_data {t.FloatData.Count} of {values.Length}";
    }, t => t.DataType == DType.Float && t.HasRawData && t.RawData.Length >= 4);

    private static string? MakeExternal(ModelProto m, Random rng, Dictionary<string, byte[]> files, string location = "w.bin",
        string? offset = null, string? length = null, bool writeFile = true, bool truncateFile = false, bool keepRawData = false) => WithTensor(m, rng, t =>
    {
        var raw = t.RawData.ToByteArray();
        if (writeFile) files[location] = truncateFile ? raw[..(raw.Length / 2)] : raw;
        if (!keepRawData) t.ClearRawData();
        t.DataLocation = TensorProto.Types.DataLocation.External;
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is not null) t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
        if (length is not null) t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length });
        return $"'{t.Name}' -> {location.Replace("\0", "\\0", StringComparison.Ordinal)} offset={offset} length={length}";
    }, t => t.HasRawData && t.RawData.Length > 0);

    private static string? Cycle(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        var nodes = m.Graph.Node.Where(n => n.Input.Count > 0 && n.Output.Count > 0).ToList();
        if (nodes.Count < 2) return null;
        var early = rng.Next(nodes.Count / 2);
        var late = rng.Next(nodes.Count / 2, nodes.Count);
        nodes[early].Input[0] = nodes[late].Output[0];
        return $"'{nodes[early].Name}' <- '{nodes[late].Name}'";
    }

    private static string? SelfLoop(ModelProto m, Random rng, Dictionary<string, byte[]> _) =>
        WithNode(m, rng, n => n.Input.Count > 0 && n.Output.Count > 0, n => { n.Input[0] = n.Output[0]; return n.Name; });

    private static string? DuplicateProducers(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        var nodes = m.Graph.Node.Where(n => n.Output.Count > 0).ToList();
        if (nodes.Count < 2) return null;
        var a = nodes[rng.Next(nodes.Count)];
        var b = nodes[rng.Next(nodes.Count)];
        if (a == b) return null;
        b.Output[0] = a.Output[0];
        return $"'{a.Name}' and '{b.Name}' both make '{a.Output[0]}'";
    }

    private static string? DuplicateInitializer(ModelProto m, Random rng, Dictionary<string, byte[]> _) => WithTensor(m, rng, t =>
    {
        var name = t.Name.Length > 0 ? t.Name : m.Graph.Node.First(n => n.Attribute.Any(a => a.T == t)).Output[0];
        var twin = new TensorProto { Name = name, DataType = DType.Float, RawData = ByteString.CopyFrom(new byte[4]) };
        twin.Dims.Add(1);
        m.Graph.Initializer.Add(twin);
        return $"'{name}' twice";
    });

    /// <summary>
    /// Wraps the main graph's nodes in <paramref name="depth"/> nested If nodes. The else branches are empty graphs
    /// with the outputs declared (invalid, on purpose): sharing the body would double the model per level.
    /// </summary>
    public static string Nest(ModelProto m, int depth)
    {
        var outputs = m.Graph.Output.Select(o => o.Clone()).ToList();
        var cond = "edgebuild_fuzz_cond";
        var body = new GraphProto { Name = "body" };
        body.Node.AddRange(m.Graph.Node.Select(n => n.Clone()));
        body.Output.AddRange(outputs.Select(o => o.Clone()));
        for (var level = 0; level < depth; level++)
        {
            var wrapper = new GraphProto { Name = $"level{level}" };
            var node = new NodeProto { OpType = "If", Name = $"nest{level}" };
            node.Input.Add(cond);
            node.Output.AddRange(outputs.Select(o => o.Name));
            node.Attribute.Add(Attributes.Graph("then_branch", body));
            var empty = new GraphProto { Name = $"else{level}" };
            empty.Output.AddRange(outputs.Select(o => o.Clone()));
            node.Attribute.Add(Attributes.Graph("else_branch", empty));
            wrapper.Node.Add(node);
            wrapper.Output.AddRange(outputs.Select(o => o.Clone()));
            body = wrapper;
        }

        m.Graph.Node.Clear();
        m.Graph.Node.AddRange(body.Node);
        if (m.Graph.Input.All(i => i.Name != cond))
            m.Graph.Input.Add(ModelBuilder.CreateValueInfo(cond, DType.Bool, []));
        return $"depth {depth}";
    }

    private static string? AbsurdInts(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        var attrs = m.Graph.Node.SelectMany(n => n.Attribute).Where(a => a.Type == AttributeProto.Types.AttributeType.Ints && a.Ints.Count > 0).ToList();
        if (attrs.Count == 0) return null;
        var a = attrs[rng.Next(attrs.Count)];
        long[] choices = [long.MaxValue, long.MinValue, 1L << 40, -1, 0, int.MaxValue];
        for (var i = 0; i < a.Ints.Count; i++) a.Ints[i] = choices[rng.Next(choices.Length)];
        return $"{a.Name} = [{string.Join(",", a.Ints)}]";
    }

    private static string? AbsurdInt(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        long[] choices = [long.MaxValue, long.MinValue, 1L << 40, -1, 0];
        return WithNode(m, rng, n => n.OpType is "Conv" or "Concat" or "Softmax" or "Flatten" or "Gemm" or "Transpose" or "Split" or "Resize" or "Gather", n =>
        {
            var name = n.OpType switch { "Conv" => "group", "Gemm" => "transA", "Resize" => "antialias", _ => "axis" };
            Attributes.Set(n, Attributes.Int(name, choices[rng.Next(choices.Length)]));
            return $"{n.Name}.{name}";
        });
    }

    private static string? AttributeTypeMismatch(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        var attrs = m.Graph.Node.SelectMany(n => n.Attribute).ToList();
        if (attrs.Count == 0) return null;
        var a = attrs[rng.Next(attrs.Count)];
        var types = Enum.GetValues<AttributeProto.Types.AttributeType>();
        a.Type = types[rng.Next(types.Length)];
        return $"{a.Name} claims {a.Type}";
    }

    private static string? HugeStringTensor(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        var t = new TensorProto { Name = "edgebuild_fuzz_strings", DataType = (int)TensorProto.Types.DataType.String };
        t.Dims.Add(1L << 40);
        t.StringData.Add(ByteString.CopyFromUtf8("x"));
        m.Graph.Initializer.Add(t);
        return "[1<<40] strings";
    }

    private static string? GarbageSparse(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        var values = new TensorProto { Name = "edgebuild_fuzz_sparse", DataType = DType.Float, RawData = ByteString.CopyFrom(new byte[8]) };
        values.Dims.Add(2);
        var indices = new TensorProto { DataType = DType.Int64, RawData = ByteString.CopyFrom(BitConverter.GetBytes(long.MaxValue)) };
        indices.Dims.Add(1);
        var sparse = new SparseTensorProto { Values = values, Indices = indices };
        sparse.Dims.Add(1L << 40);
        m.Graph.SparseInitializer.Add(sparse);
        return "sparse [1<<40] with out-of-range index";
    }

    private static string? ShadowInput(ModelProto m, Random rng, Dictionary<string, byte[]> _)
    {
        var input = m.Graph.Input[0];
        var t = new TensorProto { Name = input.Name, DataType = DType.Float, RawData = ByteString.CopyFrom(new byte[4]) };
        t.Dims.Add(1);
        m.Graph.Initializer.Add(t);
        return input.Name;
    }
}
