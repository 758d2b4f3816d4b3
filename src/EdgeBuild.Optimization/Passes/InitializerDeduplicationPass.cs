using System.Buffers.Binary;
using System.Security.Cryptography;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Passes;

/// <summary>
/// Makes readers of byte-identical constant initializers share one copy (exporters often repeat the
/// same scale or shape tensor per layer). The duplicates become unused and dead-code elimination drops them.
/// </summary>
public sealed class InitializerDeduplicationPass : IGraphPass
{
    public string Name => "initializer-deduplication";

    public int Run(OnnxGraph graph, PassContext context)
    {
        var firstByKey = new Dictionary<(int, string, ulong), List<TensorProto>>();
        var changes = 0;
        foreach (var tensor in graph.Initializers.ToList())
        {
            if (!graph.IsConstant(tensor.Name) || graph.IsGraphOutput(tensor.Name) || graph.Consumers(tensor.Name).Count == 0) continue;
            var bytes = ValueBytes(tensor);
            var key = (tensor.DataType, string.Join(",", tensor.Dims), BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(bytes.Span)));
            if (!firstByKey.TryGetValue(key, out var candidates))
            {
                firstByKey[key] = [tensor];
                continue;
            }

            var original = candidates.FirstOrDefault(c => ValueBytes(c).Span.SequenceEqual(bytes.Span));
            if (original is null)
            {
                candidates.Add(tensor);
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
