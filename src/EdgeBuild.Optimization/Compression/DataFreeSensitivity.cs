using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Verification;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Picks the weights the data-free compression should leave float, without user data: compress everything, run the
/// <see cref="SyntheticCheck"/>, and while the worst output is below the target keep float the one tensor whose float
/// version raises it most (greedy, at most <c>maxFloat</c> tensors). Made-up inputs rank sensitivity, they do not measure
/// accuracy. Cost: one compression and one check per candidate tensor per round; a search that would take more than
/// <c>maxAttempts</c> such attempts does not start (deterministic, unlike a time limit), and the outcome says why.
/// </summary>
public static class DataFreeSensitivity
{
    /// <summary>The model as compressed, what was kept float, the worst made-up-input SQNR, and <c>Skipped</c>: why the search did not run although the target was missed, or null.</summary>
    public sealed record Outcome(ModelProto Model, DataFreeWeightCompression.Result Result, IReadOnlyList<string> KeptFloat, double WorstSyntheticSqnrDb, string? Skipped = null);

    public static Outcome Run(byte[] original, IReadOnlyList<Sample> samples, DataFreeWeightCompression.Options options, double targetDb, int maxFloat, int maxAttempts = int.MaxValue)
    {
        var kept = new List<string>();
        var reference = ReferenceOutputs.Of(original, samples); // once: every attempt compares with the same outputs
        var (model, result, worst) = Attempt(original, reference, samples, options, kept);
        var candidates = Candidates(original, options);
        if (worst < targetDb && maxFloat > 0 && (long)candidates.Count * maxFloat > maxAttempts)
        {
            return new Outcome(model, result, kept, worst,
                $"{candidates.Count} candidate tensors x {maxFloat} round(s) exceeds the bound of {maxAttempts} attempts");
        }

        while (worst < targetDb && kept.Count < maxFloat)
        {
            string? best = null;
            var bestDb = worst;
            foreach (var name in candidates.Where(c => !kept.Contains(c)))
            {
                var db = Attempt(original, reference, samples, options, [.. kept, name]).Worst;
                if (db > bestDb)
                {
                    (best, bestDb) = (name, db);
                }
            }

            if (best is null) break; // no single tensor helps: keep what we have
            kept.Add(best);
            (model, result, worst) = Attempt(original, reference, samples, options, kept);
        }

        return new Outcome(model, result, kept, worst);
    }

    private static List<string> Candidates(byte[] original, DataFreeWeightCompression.Options options)
    {
        var scopes = GraphScopes.Build(ModelProto.Parser.ParseFrom(original).Graph);
        return [.. scopes.Definitions.Where(d => DataFreeWeightCompression.ChannelAxes(scopes, d, options) is not null).Select(d => d.Name)];
    }

    private static (ModelProto Model, DataFreeWeightCompression.Result Result, double Worst) Attempt(byte[] original, ReferenceOutputs reference, IReadOnlyList<Sample> samples, DataFreeWeightCompression.Options options, IReadOnlyCollection<string> keepFloat)
    {
        var model = ModelProto.Parser.ParseFrom(original);
        var exclude = new HashSet<string>(keepFloat, StringComparer.Ordinal);
        if (options.ExcludeTensors is not null) exclude.UnionWith(options.ExcludeTensors);
        var result = DataFreeWeightCompression.Run(model, options with { ExcludeTensors = exclude });
        var check = SyntheticCheck.Run(reference, model.ToByteArray(), samples, minSqnrDb: double.NegativeInfinity);
        var worst = check.NonFiniteOutputs.Count > 0 ? double.NegativeInfinity : check.Outputs.Select(o => o.SqnrDb).DefaultIfEmpty(double.PositiveInfinity).Min();
        return (model, result, worst);
    }
}
