using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>
/// Estimated peak memory = initializer bytes + the largest set of simultaneously live activations
/// (<see cref="LivenessWalk"/>) with real activation sizes from one ORT run at the declared dims
/// (<see cref="ActivationShapeProbe"/>).
/// </summary>
public static class MemoryEstimator
{
    public static MemoryEstimate Estimate(string modelPath, IReadOnlyDictionary<string, long> dims, SymbolicDimDefaults? defaults, int threads)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{modelPath}: not a readable ONNX model ({e.Message}); memory cannot be estimated", e);
        }

        return Estimate(model, Path.GetDirectoryName(Path.GetFullPath(modelPath)), dims, defaults, threads);
    }

    /// <summary>The estimate for a parsed model; threads is the device's intra-op thread count (0: this machine's processor count).</summary>
    public static MemoryEstimate Estimate(ModelProto model, string? modelDirectory, IReadOnlyDictionary<string, long> dims, SymbolicDimDefaults? defaults, int threads)
    {
        var shapes = InputShapes.Resolve(model.Graph, dims, defaults);
        var sizes = ActivationShapeProbe.Measure(model, modelDirectory, shapes);
        var peak = LivenessWalk.Run(model.Graph, sizes, threads > 0 ? threads : Environment.ProcessorCount);
        return new MemoryEstimate
        {
            InitializerBytes = InitializerBytes(model.Graph),
            PeakActivationBytes = peak.Bytes,
            PeakNode = peak.Node,
            PeakWorkspaceBytes = peak.WorkspaceBytes,
            InputShapes = [.. shapes.Select(s => $"{s.Key}=[{string.Join(",", s.Value)}]")],
        };
    }

    /// <summary>
    /// Bytes of every initializer of the main graph, wherever its data is stored (raw, typed fields or
    /// external), plus Constant node values, which ORT turns into initializers on load.
    /// </summary>
    public static long InitializerBytes(GraphProto graph) =>
        graph.Initializer.Sum(t => ElementSizes.TensorBytes(t.DataType, t.Dims))
        + graph.Node.Where(LivenessWalk.IsConstant).SelectMany(n => n.Attribute).Where(a => a.Name == "value" && a.T is not null)
            .Sum(a => ElementSizes.TensorBytes(a.T.DataType, a.T.Dims))
        + graph.SparseInitializer.Sum(s => ElementSizes.TensorBytes(s.Values?.DataType ?? 0, s.Values?.Dims ?? [])
                                          + ElementSizes.TensorBytes(s.Indices?.DataType ?? 0, s.Indices?.Dims ?? []));
}
