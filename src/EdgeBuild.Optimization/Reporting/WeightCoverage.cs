using System.Globalization;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Compression;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>
/// Where an optimized model's weight bytes went: how many stayed float32, and why, per reason, with the biggest tensors
/// left float. Looks at every constant (initializers and Constant nodes) in the main graph and every If/Loop/Scan body.
/// "Weights" are float constants of at least <see cref="MinElements"/> values; smaller ones (biases, scales) are not counted.
/// Feeds the "never silent" warning (EDGE0220) so a result that did not shrink says why.
/// </summary>
public sealed record WeightCoverage(long WeightBytes, long FloatBytes, IReadOnlyList<WeightCoverage.Group> ByReason, IReadOnlyList<WeightCoverage.Tensor> Biggest)
{
    public const int MinElements = 512;

    /// <summary>
    /// <see cref="Excluded"/>: an op the precision could quantize, kept float by the precision's own rule (e.g. Conv under
    /// --dynamic, which has no fast integer Conv), the accuracy fallback or ExcludeNodes; not necessarily the user's choice.
    /// </summary>
    public const string NoQuantizer = "op without a quantizer", Excluded = "quantizable, kept float (precision's rule, accuracy fallback or ExcludeNodes)", Unsupported = "unsupported construct", Unused = "unused";

    /// <summary>Tensors left float for one reason; <see cref="Ops"/>: the op types reading them (for "op without a quantizer").</summary>
    public sealed record Group(string Reason, int Count, long Bytes, IReadOnlyList<string> Ops);

    public sealed record Tensor(string Name, long Bytes, string Reason, string ReadBy);

    /// <summary>True when the result should warn: over 0.9× the source, or most weight bytes still float32.</summary>
    public bool ShouldWarn(long resultBytes, long sourceBytes) => resultBytes > 0.9 * sourceBytes || (WeightBytes > 0 && FloatBytes * 2 > WeightBytes);

    public static WeightCoverage Analyze(ModelProto model, int biggest = 3)
    {
        var scopes = GraphScopes.Build(model.Graph);
        var overridable = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        long weightBytes = 0;
        var left = new List<(Tensor Tensor, IReadOnlyList<string> Ops)>();
        foreach (var d in scopes.Definitions)
        {
            var elements = Tensors.ElementCount(d.Tensor);
            if (elements < MinElements || d.Tensor.DataType is not (DType.Float or DType.Double or DType.Float16 or DType.Int16 or DType.Int8 or DType.Uint8 or DType.Int4 or DType.Uint4)) continue;
            var bytes = d.Tensor.DataType switch
            {
                DType.Int4 or DType.Uint4 => (elements + 1) / 2,
                _ => elements * DType.SizeOf(d.Tensor.DataType),
            };
            weightBytes += bytes;
            if (d.Tensor.DataType is not (DType.Float or DType.Double)) continue;
            var reads = scopes.ReadsOf(d);
            var ops = reads.Where(r => r.Node is not null).Select(r => r.Node!.OpType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var reason = (d.Depth == 0 && d.ConstantNode is null && overridable.Contains(d.Name)) || !Tensors.IsStoredInline(d.Tensor) || reads.Any(r => r.Node is null) ? Unsupported
                : reads.Count == 0 ? Unused
                : reads.All(r => WeightSlots.ChannelAxes(r.Node!, r.Input, d.Tensor.Dims.Count) is not null || WeightSlots.IsLayoutRead(r.Node!, r.Input)) ? Excluded
                : NoQuantizer;
            left.Add((new Tensor(d.Name, bytes, reason, string.Join("/", ops)), ops));
        }

        var groups = left.GroupBy(l => l.Tensor.Reason)
            .Select(g => new Group(g.Key, g.Count(), g.Sum(l => l.Tensor.Bytes), [.. g.SelectMany(l => l.Ops).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))
            .OrderByDescending(g => g.Bytes).ThenBy(g => g.Reason, StringComparer.Ordinal).ToList();
        var top = left.Select(l => l.Tensor).OrderByDescending(t => t.Bytes).ThenBy(t => t.Name, StringComparer.Ordinal).Take(biggest).ToList();
        return new WeightCoverage(weightBytes, left.Sum(l => l.Tensor.Bytes), groups, top);
    }

    /// <summary>
    /// The EDGE0220 warning about <paramref name="file"/> (the source model): what stayed float and why, the biggest
    /// tensors, the fix. "nothing compressed" when no weight byte was.
    /// </summary>
    public Finding Warning(string file, long resultBytes, long sourceBytes)
    {
        var ratio = ByteSize.Ratio(resultBytes, sourceBytes);
        var what = FloatBytes == WeightBytes ? "nothing compressed" : $"{ByteSize.Format(FloatBytes)} of {ByteSize.Format(WeightBytes)} weight bytes stayed float32";
        var reasons = ByReason.Count == 0 ? "no float weights of 512+ values (the size is in the graph, not in weights)"
            : string.Join("; ", ByReason.Select(g => $"{g.Count} tensor(s) {ByteSize.Format(g.Bytes)}: {g.Reason}" + (g.Reason == NoQuantizer && g.Ops.Count > 0 ? $" ({string.Join(", ", g.Ops.Take(5))}{(g.Ops.Count > 5 ? ", …" : "")})" : "")));
        var biggest = Biggest.Count == 0 ? "" : "; biggest: " + string.Join(", ", Biggest.Select(t => $"{t.Name} ({ByteSize.Format(t.Bytes)}, read by {t.ReadBy}, {t.Reason})"));
        return new Finding(DiagnosticCodes.WeightsLeftFloat, IsError: false, file,
            string.Create(CultureInfo.InvariantCulture, $"{what} (result {ratio:F2}x the source): {reasons}{biggest}"),
            "see the report's weight coverage; ops without a quantizer stay float by design, quantizable ones kept float follow the precision (int8 --dynamic and int4 leave Conv float), MinSqnrDb and ExcludeNodes, other constructs are listed in docs/diagnostics.md");
    }
}
