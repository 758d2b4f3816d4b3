using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.IO;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Inspection;

/// <summary>
/// Summarizes a loaded model. Parameters are the tensors a model carries: initializers and Constant-node values
/// (paddle2onnx and some PyTorch exports keep every weight in Constant nodes), in the main graph and in every
/// If/Loop/Scan body. Everything is ordered deterministically so the output is stable byte for byte.
/// </summary>
public static class ModelSummarizer
{
    public static ModelSummary Summarize(LoadedModel loaded)
    {
        var model = loaded.Model;
        // The main graph and its If/Loop/Scan bodies; training graphs and function bodies are not what runs.
        var graphs = model.Graph is null ? [] : ModelTensors.WithSubgraphs(model.Graph);
        var initializerNames = model.Graph?.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal) ?? [];

        var ops = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodeCount = 0;
        foreach (var node in graphs.SelectMany(g => g.Node))
        {
            nodeCount++;
            var key = NodeKind.IsStandard(node) ? node.OpType : $"{node.Domain}:{node.OpType}";
            ops[key] = ops.GetValueOrDefault(key) + 1;
        }

        return new ModelSummary(
            loaded.Path,
            loaded.ProtobufBytes,
            model.IrVersion,
            model.ProducerName,
            model.ProducerVersion,
            model.Domain,
            model.ModelVersion,
            model.OpsetImport.Select(o => new OpsetImport(o.Domain, o.Version)).ToList(),
            (model.Graph?.Input ?? []).Where(i => !initializerNames.Contains(i.Name)).Select(Describe).ToList(),
            (model.Graph?.Output ?? []).Select(Describe).ToList(),
            nodeCount,
            Math.Max(0, graphs.Count - 1),
            ops.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new OpCount(p.Key, p.Value)).ToList(),
            Parameters(graphs),
            loaded.ExternalDataFiles);
    }

    private static ParameterTotals Parameters(IEnumerable<GraphProto> graphs)
    {
        var totals = new SortedDictionary<int, (long Count, long Bytes, int Tensors)>();
        foreach (var tensor in graphs.SelectMany(ParameterTensors))
        {
            var (count, bytes, tensors) = totals.GetValueOrDefault(tensor.DataType);
            totals[tensor.DataType] = (count + TensorData.ElementCount(tensor), bytes + TensorData.StoredByteCount(tensor), tensors + 1);
        }

        var byType = totals.Select(p => new ElementTypeTotals(ElementTypes.Name(p.Key), p.Value.Count, p.Value.Bytes, p.Value.Tensors)).ToList();
        return new ParameterTotals(byType.Sum(t => t.Count), byType.Sum(t => t.Bytes), byType);
    }

    private static IEnumerable<TensorProto> ParameterTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer) yield return t;
        foreach (var s in graph.SparseInitializer)
        {
            if (s.Values is not null) yield return s.Values;
        }

        foreach (var node in graph.Node)
        {
            if (node.OpType != "Constant" || !NodeKind.IsStandard(node)) continue;
            foreach (var a in node.Attribute)
            {
                if (a.Name == "value" && a.T is not null) yield return a.T;
                if (a.Name == "sparse_value" && a.SparseTensor?.Values is not null) yield return a.SparseTensor.Values;
            }
        }
    }

    private static ValueSummary Describe(ValueInfoProto value)
    {
        var type = value.Type;
        if (type?.TensorType is { } tensor)
        {
            var dims = tensor.Shape?.Dim;
            return new ValueSummary(value.Name, ElementTypes.Name(tensor.ElemType),
                dims?.Select(d => d.HasDimValue ? d.DimValue : -1).ToList(),
                dims?.Select(d => d.HasDimParam ? d.DimParam : null).ToList());
        }

        return new ValueSummary(value.Name, TypeName(type), null, null);
    }

    private static string TypeName(TypeProto? type) => type?.ValueCase switch
    {
        TypeProto.ValueOneofCase.TensorType => ElementTypes.Name(type.TensorType.ElemType),
        TypeProto.ValueOneofCase.SequenceType => $"sequence({TypeName(type.SequenceType.ElemType)})",
        TypeProto.ValueOneofCase.OptionalType => $"optional({TypeName(type.OptionalType.ElemType)})",
        TypeProto.ValueOneofCase.MapType => $"map({ElementTypes.Name(type.MapType.KeyType)},{TypeName(type.MapType.ValueType)})",
        TypeProto.ValueOneofCase.SparseTensorType => $"sparse({ElementTypes.Name(type.SparseTensorType.ElemType)})",
        TypeProto.ValueOneofCase.OpaqueType => $"opaque({type.OpaqueType.Domain}.{type.OpaqueType.Name})",
        _ => "unknown",
    };
}
