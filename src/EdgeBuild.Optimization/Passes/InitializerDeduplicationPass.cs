using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Makes readers of byte-identical constant initializers share one copy (exporters often repeat the
/// same scale or shape tensor per layer). The duplicates become unused and dead-code elimination drops them.
/// </summary>
/// <remarks>
/// Candidates are grouped by element type, shape and stored length, and only compared byte for byte within a group
/// (a vectorized compare that stops at the first difference). No hashing: the pipeline runs this pass every round on
/// every initializer, and hashing a 200 MB model's weights each time cost more than all other cleanup passes together.
/// </remarks>
public sealed class InitializerDeduplicationPass : IGraphPass
{
    public string Name => "initializer-deduplication";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var groups = new Dictionary<(int, string, int), List<(TensorProto Tensor, ReadOnlyMemory<byte> Bytes)>>();
        var changes = 0;
        foreach (var tensor in graph.Initializers.ToList())
        {
            if (!graph.IsConstant(tensor.Name) || graph.IsGraphOutput(tensor.Name) || graph.Consumers(tensor.Name).Count == 0) continue;
            var bytes = ValueBytes(tensor);
            var key = (tensor.DataType, string.Join(",", tensor.Dims), bytes.Length);
            if (!groups.TryGetValue(key, out var candidates)) groups[key] = candidates = [];

            var original = candidates.FirstOrDefault(c => c.Bytes.Span.SequenceEqual(bytes.Span)).Tensor;
            if (original is null)
            {
                candidates.Add((tensor, bytes));
                continue;
            }

            graph.ReplaceAllUses(tensor.Name, original.Name);
            changes++;
        }

        return changes;
    }

    /// <summary>The stored values without the name, whichever field holds them.</summary>
    private static ReadOnlyMemory<byte> ValueBytes(TensorProto tensor)
    {
        if (tensor.HasRawData) return tensor.RawData.Memory;
        var copy = tensor.Clone();
        copy.ClearName();
        copy.ClearDocString();
        return copy.ToByteArray();
    }
}
