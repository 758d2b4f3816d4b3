using System.Globalization;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Calibration;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Passes;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Runtime;
using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Verification;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization;

/// <summary>
/// Keeps the most damaging quantized places in float until every output meets the accuracy budget, spending model
/// size last. A place's damage is measured, not guessed: the float and the quantized model both expose every
/// quantized tensor; the noise a node or a Q/DQ pair adds is the difference between its output's and its inputs'
/// noise (<see cref="RankByDamage"/>). Two resorts (rounds), in order, each ranked once:
/// 1. activations (and weightless nodes): computed in float on the same int8 weights
///    (<see cref="QuantizationOptions.FloatActivationNodes"/>), which costs no bytes;
/// 2. only if every activation in float still misses the budget, weights to int16 (<see cref="FloatNodeWeights"/>: computed
///    in float, 1 extra byte per weight where float32 cost 3), ranked again on that weight-only model by damage per weight
///    byte; when even every ranked weight in int16 misses, one attempt with them float32 settles it.
/// In each the smallest passing prefix of the ranking is found by doubling, then bisection, then chunks of it are
/// handed back to int8 while the budget still holds; after resort 2, the activations get the same pruning.
/// With the latency cost (opt-in), each pruning ends with <see cref="HandBackLargest"/>: the float places that run the
/// most Conv/MatMul MACs are handed back one by one, so the budget's slack goes to time, not to the least damaging places.
/// "The budget" is the <see cref="AccuracyBudget"/>: task metrics where the user named them, SQNR elsewhere.
/// <para>
/// Bounded by a count (<see cref="Pipeline.Steps.ExcludeSensitiveNodesSettings.MaxAttempts"/>, the profile's
/// <c>precision.fallbackAttempts</c> unless the item or command line sets it), so the model written depends only on the
/// inputs; and, only where the profile, item or command line sets one, by a time budget
/// (<see cref="Pipeline.Steps.ExcludeSensitiveNodesSettings.TimeBudgetSeconds"/>: ISNet at 1024² spends ~30 s an
/// attempt), which makes a stopped search depend on the machine, so the note says when it is what stopped it. An attempt is one quantization and one
/// verification; the reference's outputs are computed once (<see cref="ReferenceOutputs"/>) and a set of float places
/// already measured is never measured again. Once the cap (or the time budget) is reached, doubling jumps to "everything in this resort
/// float" (the one attempt that settles whether the budget can hold at all, so a cap never fails a model that can
/// meet it: at most one such attempt per resort beyond the cap), and bisection and pruning stop at the best passing
/// attempt. The note says how many attempts ran and why the search stopped. A time budget also makes the search spend
/// its time where it decides most: the rankings read one sample, and resort 1 starts with "every activation float", so a
/// model that needs float weights (ISNet's fp16 file: its side outputs miss 30 dB on int8 weights whatever the
/// activations) reaches resort 2 after one attempt instead of a doubling's worth.
/// </para>
/// </summary>
internal static class AccuracyFallback
{
    private const int SensitivitySamples = 4;

    /// <summary>
    /// Under a time budget the ranking reads one sample, not up to <see cref="SensitivitySamples"/>: it is a heuristic
    /// order (every attempt is still verified on every sample), and at ISNet's 1024² one ranking of 3 samples took 125 s
    /// of a 240 s budget, twice when weights are ranked too.
    /// </summary>
    private const int TimedSensitivitySamples = 1;

    /// <summary>Extra quantize + verify rounds spent handing parts of a float set back to int8 (per pruning).</summary>
    private const int MaxPruneAttempts = 32;

    /// <summary>Extra rounds spent handing the largest float places back to int8 one by one (latency, per pruning).</summary>
    private const int MaxLatencyHandBacks = 16;

    /// <summary>One measured set of float places; <see cref="Model"/> is kept only while it may still be the answer.</summary>
    private sealed record Trial(IReadOnlyList<string> FloatActivations, IReadOnlyList<string> FloatNodes, IReadOnlyList<OutputComparison> Accuracy)
    {
        /// <summary>The float nodes' weights kept float32 rather than int16 (the last attempt before EDGE0201).</summary>
        public bool Float32Weights { get; init; }

        public ModelProto? Model { get; init; }

        public QuantizationSummary? Summary { get; init; }
    }

    /// <summary>
    /// Counts attempts against the cap and the time budget, and remembers every measured set, so a revisited set costs
    /// nothing. The clock starts with the fallback (its ranking counts); the time budget stops the search before an
    /// attempt that would, at the mean pace so far, end past it, so a search overshoots it by at most one attempt.
    /// </summary>
    private sealed class Attempts(int cap, double? timeBudgetSeconds)
    {
        private readonly Dictionary<string, Trial> _measured = new(StringComparer.Ordinal);
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan _measuring;

        public int Cap { get; } = cap;

        public double? TimeBudgetSeconds { get; } = timeBudgetSeconds;

        public int Made { get; private set; }

        public int Reused { get; private set; }

        public bool HitCap { get; private set; }

        public bool HitTimeBudget { get; private set; }

        /// <summary>The latency step's attempts and the hand-backs the budget survived, for its note.</summary>
        public (int Tried, int Kept) HandBacks { get; set; }

        /// <summary>Set once the latency step runs, for the progress words.</summary>
        public bool HandingBack { get; set; }

        public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

        /// <summary>Progress words: "attempt 3 of at most 50, 95 s of 300 s".</summary>
        public string Where()
        {
            // Past the cap only the settling attempt of a round or the latency step runs: say so rather than "58 of at most 50".
            var count = Made <= Cap ? $"attempt {Made} of at most {Cap}" : $"attempt {Made}, past the cap of {Cap} ({(HandingBack ? "latency step" : "settling attempt")})";
            return TimeBudgetSeconds is { } budget
                ? string.Create(CultureInfo.InvariantCulture, $"{count}, {ElapsedSeconds:0} s of {budget:0.###} s")
                : string.Create(CultureInfo.InvariantCulture, $"{count}, {ElapsedSeconds:0} s");
        }

        /// <summary>Asked only where the search would go on: true (and remembered for the note) once the cap or the time budget is reached.</summary>
        public bool Stop()
        {
            HitCap |= Made >= Cap;
            if (!HitCap) CheckTimeBudget();
            return HitCap || HitTimeBudget;
        }

        public Trial Get(IEnumerable<string> floatActivations, IEnumerable<string> floatNodes, Func<IReadOnlyList<string>, IReadOnlyList<string>, bool, Trial> measure,
            bool float32Weights = false)
        {
            var activations = floatActivations.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var nodes = floatNodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var key = string.Join("\n", activations) + "\n|\n" + string.Join("\n", nodes) + (float32Weights ? "\n|float32" : "");
            if (_measured.TryGetValue(key, out var known))
            {
                Reused++;
                return known;
            }

            Made++;
            var started = _clock.Elapsed;
            var trial = measure(activations, nodes, float32Weights);
            _measuring += _clock.Elapsed - started;
            // Keep the figures, not the model: dozens of models of ISNet's size would not fit; a reused set is rebuilt.
            _measured[key] = trial with { Model = null, Summary = null };
            return trial;
        }

        /// <summary>
        /// The latency step's own stop: <see cref="MaxLatencyHandBacks"/> attempts beyond the cap (it runs after the search
        /// it improves on, which may have used the whole cap), and the time budget as for every attempt.
        /// </summary>
        public bool StopHandingBack()
        {
            CheckTimeBudget();
            return Made >= Cap + MaxLatencyHandBacks || HitTimeBudget;
        }

        /// <summary>
        /// Remembers the time budget as reached when the next attempt, at the mean pace so far, would end past it. Before
        /// the first attempt only the ranking's time is known: the budget is reached once that alone spent it.
        /// </summary>
        private void CheckTimeBudget()
        {
            if (TimeBudgetSeconds is { } budget)
                HitTimeBudget |= ElapsedSeconds + (Made > 0 ? _measuring.TotalSeconds / Made : 0) > budget;
        }

        /// <summary>Why the search stopped, for the note, the progress line and EDGE0201.</summary>
        public string Stopped() => string.Create(CultureInfo.InvariantCulture, $"{Reason()} in {ElapsedSeconds:0} s") + (Reused > 0 ? $", {Reused} repeated set(s) reused" : "");

        private string Reason()
        {
            if (HitCap) return $"stopped at the attempt cap ({Cap}; raise FallbackAttempts / --fallback-attempts for a finer search)";
            if (HitTimeBudget)
                return string.Create(CultureInfo.InvariantCulture,
                    $"stopped by the time budget ({TimeBudgetSeconds:0.###} s: depends on this machine's speed; drop --fallback-time / FallbackTimeBudget to reproduce)");
            return $"search complete (cap {Cap}{(TimeBudgetSeconds is { } s ? string.Create(CultureInfo.InvariantCulture, $", time budget {s:0.#} s") : "")})";
        }
    }

    public static (ModelProto Model, QuantizationSummary Summary, IReadOnlyList<OutputComparison> Accuracy) Run(Pipeline.PipelineState state, AccuracyBudget budget,
        ReferenceOutputs reference, int maxAttempts, double? timeBudgetSeconds = null, bool latencyCost = false)
    {
        var attempts = new Attempts(maxAttempts, timeBudgetSeconds);
        var (cleaned, firstAttempt, calibration, validation, options, target, context, ranges) =
            (state.Reference!, state.Model, state.Calibration!, state.Validation!, state.Quantization!, state.Profile, state.Context, state.Ranges);
        state.Report(PlanStepIds.ExcludeSensitiveNodes, $"misses {budget.Worst(state.Accuracy)}: measuring each quantized place's damage");
        var rankingSamples = timeBudgetSeconds is null ? SensitivitySamples : TimedSensitivitySamples;
        var ranking = RankByDamage(cleaned, firstAttempt, validation, out var unmeasured, rankingSamples);
        state.Report(PlanStepIds.ExcludeSensitiveNodes, string.Create(CultureInfo.InvariantCulture, $"ranked {ranking.Count} quantized places by damage in {attempts.ElapsedSeconds:0} s"));
        if (ranking.Count == 0)
        {
            // Nothing the fallback can hand back to float: say so rather than search an empty list.
            throw new AccuracyBudgetException(state.Request.ModelPath,
                $"{budget.Worst(state.Accuracy)}, and the accuracy fallback found no quantized place to keep in float (no Q/DQ pair and no int8 weight read through a DequantizeLinear, in the main graph or an If/Loop/Scan body)",
                "Use --precision none, or relax --accuracy / --min-sqnr", []);
        }

        var inBodies = ranking.Count(r => r.InBody);
        context.Notes.Add("largest quantization noise (dB relative to signal): " + string.Join(", ", ranking.Take(8).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Label} ({r.Kind}{(r.InBody ? ", in a body" : "")}) {r.DropDb:F1}")))
            + $" ({ranking.Count} place(s) ranked, {inBodies} of them in If/Loop/Scan bodies"
            + (unmeasured > 0 ? $"; {unmeasured} probed value(s) not measured (not routable out of a body, or no validation sample computes them): places reading them rank as exact)" : ")"));

        (ModelProto Model, QuantizationSummary Summary) Build(IReadOnlyList<string> floatActivations, IReadOnlyList<string> floatNodes, bool float32Weights)
        {
            var excluded = new HashSet<string>(options.ExcludeNodes, StringComparer.Ordinal);
            excluded.UnionWith(floatNodes);
            var model = cleaned.Clone();
            var summary = QdqQuantizer.Quantize(model, calibration, options with { ExcludeNodes = excluded, FloatActivationNodes = floatActivations.ToHashSet(StringComparer.Ordinal) }, ranges);
            if (!float32Weights) FloatNodeWeights.AsInt16(model, floatNodes, state.WidenedFloat16);
            return (model, summary);
        }

        Trial Measure(IReadOnlyList<string> floatActivations, IReadOnlyList<string> floatNodes, bool float32Weights)
        {
            var (model, summary) = Build(floatActivations, floatNodes, float32Weights);
            var accuracy = budget.CompareAsWritten(reference, model, validation, target, ranges);
            state.Report(PlanStepIds.ExcludeSensitiveNodes, string.Create(CultureInfo.InvariantCulture,
                $"fallback {attempts.Where()}: closest to its budget {budget.Worst(accuracy)}"), attempts.Made, attempts.Cap);
            return new Trial(floatActivations, floatNodes, accuracy) { Model = model, Summary = summary, Float32Weights = float32Weights };
        }

        Trial Attempt(IEnumerable<string> floatActivations, IEnumerable<string> floatNodes) => attempts.Get(floatActivations, floatNodes, Measure);

        (ModelProto, QuantizationSummary, IReadOnlyList<OutputComparison>) Answer(Trial trial)
        {
            if (trial.Model is { } model) return (model, trial.Summary!, trial.Accuracy);
            // A reused set: quantization is deterministic, so rebuilding gives the bytes that were measured.
            var (rebuilt, summary) = Build(trial.FloatActivations, trial.FloatNodes, trial.Float32Weights);
            return (rebuilt, summary, trial.Accuracy);
        }

        bool Meets(Trial trial) => budget.Meets(trial.Accuracy);
        static IEnumerable<string> NodesOf(IReadOnlyList<NodeDamage> items, IEnumerable<int> chosen) => chosen.SelectMany(i => items[i].Nodes);

        // Resort 1: places whose float version costs no bytes, most damaging first.
        var weightBytes = WeightBytes(firstAttempt);
        var free = ranking.Where(r => r.Kind == "activation" || r.Nodes.All(n => weightBytes.GetValueOrDefault(n) == 0)).ToList();
        // Opt-in (OptimizeRequest.FallbackLatencyCost): two profiled runs and one shape run, once per fallback.
        var latency = latencyCost ? MeasureLatency(state, cleaned, firstAttempt, validation) : null;
        // The time side of the trade: MACs each chosen set runs in float (graph and shapes: the same inputs, the same set).
        Func<IEnumerable<string>, long>? floatMacs = latency is null ? null : latency.Macs;

        // A passing set: the progress line, the notes (and the latency trade), the model.
        (ModelProto, QuantizationSummary, IReadOnlyList<OutputComparison>) Finish(Trial trial, IReadOnlyList<int> activationItems, IReadOnlyList<string> floatWeights, int weightItems)
        {
            var floatActivations = NodesOf(free, activationItems).ToHashSet(StringComparer.Ordinal);
            state.Report(PlanStepIds.ExcludeSensitiveNodes, $"fallback finished after {attempts.Made} attempt(s): {attempts.Stopped()}", attempts.Made, attempts.Made);
            context.Notes.AddRange(FallbackNotes(floatActivations, floatWeights, activationItems.Count, weightItems, attempts, trial.Float32Weights));
            if (latency is not null) context.Notes.Add(LatencyTrade(latency, floatActivations.Concat(floatWeights), attempts));
            return Answer(trial);
        }

        // Under a time budget "every activation float" is tried first: when even that misses (ISNet's side outputs on
        // int8 weights), the doubling towards it would spend the budget before resort 2 ever ran.
        var (activationTrial, activationChoice, allActivations) = SmallestPassingPrefix(free.Count, items => Attempt(NodesOf(free, items), []), Meets, attempts,
            feasibilityFirst: timeBudgetSeconds is not null, floatMacs: floatMacs is null ? null : items => floatMacs(NodesOf(free, items)));
        if (activationTrial is not null) return Finish(activationTrial, activationChoice, [], 0);

        // Resort 2: every free place in float, weights to int16. Ranked on the weight-only model, where a
        // weight's damage is not hidden under activation noise, by added noise power per byte its float copy costs.
        var allFree = NodesOf(free, Enumerable.Range(0, free.Count)).ToHashSet(StringComparer.Ordinal);
        var weightOnly = allActivations ?? Attempt(allFree, []);
        var weightOnlyModel = weightOnly.Model ?? Answer(weightOnly).Item1;
        var onlyWeightBytes = WeightBytes(weightOnlyModel);
        var weights = RankByDamage(cleaned, weightOnlyModel, validation, out _, rankingSamples)
            .Select(r => (Item: r, Bytes: r.Nodes.Sum(n => onlyWeightBytes.GetValueOrDefault(n))))
            .Where(p => p.Item.Kind != "activation" && p.Bytes > 0)
            .OrderByDescending(p => Math.Pow(10, p.Item.DropDb / 10) / p.Bytes).ThenBy(p => p.Item.Label, StringComparer.Ordinal)
            .Select(p => p.Item).ToList();
        context.Notes.Add($"every activation float on int8 weights: {budget.Worst(weightOnly.Accuracy)}; " + "largest weight noise per byte (dB relative to signal): " + string.Join(", ", weights.Take(8).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Label}{(r.InBody ? " (in a body)" : "")} {r.DropDb:F1}"))));
        var (weightTrial, weightChoice, everything) = SmallestPassingPrefix(weights.Count, items => Attempt(allFree, NodesOf(weights, items)), Meets, attempts);
        if (weightTrial is not null)
        {
            // The activations were all put in float wholesale; hand back those the budget does not need (latency).
            var floatWeights = NodesOf(weights, weightChoice).ToList();
            var (trial, activationsKept) = Prune(Enumerable.Range(0, free.Count).ToList(), weightTrial, items => Attempt(NodesOf(free, items), floatWeights), Meets, attempts,
                floatMacs is null ? null : items => floatMacs(NodesOf(free, items).Concat(floatWeights)));
            return Finish(trial, activationsKept, floatWeights, weightChoice.Count);
        }

        if (everything is not null && weights.Count > 0)
        {
            // int16 is not float32: before failing, the one attempt that keeps every ranked weight exact settles it.
            var exact = attempts.Get(allFree, everything.FloatNodes, Measure, float32Weights: true);
            if (Meets(exact))
            {
                context.Notes.Add($"every ranked weight in int16 missed the budget ({budget.Worst(everything.Accuracy)}): the fallback's float nodes keep float32 weights");
                return Finish(exact, Enumerable.Range(0, free.Count).ToList(), everything.FloatNodes, weights.Count);
            }

            everything = exact;
        }

        var last = everything ?? weightOnly;
        var details = new List<string> { "worst places (noise added by quantization, dB relative to signal):" };
        details.AddRange(ranking.Take(10).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Label,-40} {r.Kind,-18} {r.DropDb,8:F2}")));
        details.Insert(0, "every budget with every activation and every weight above in float:");
        details.InsertRange(1, budget.Results(last.Accuracy).Select(r => "  " + r));
        throw new AccuracyBudgetException(state.Request.ModelPath,
            $"{budget.Worst(last.Accuracy)}, even with every activation and {weights.Count} node(s)' weights kept in float ({attempts.Made} attempt(s), {attempts.Stopped()})",
            "Give more representative calibration data, relax --accuracy / --min-sqnr (a task metric such as agreement@T may fit the output better: docs/accuracy.md), or use --precision none",
            details);
    }

    /// <summary>
    /// The latency cost (<see cref="FallbackLatencyCost"/>), measured once per fallback; null (ranking by damage alone) with a
    /// note when the profile cannot be taken, since a ranking is still possible without it: ORT refuses to profile
    /// (<see cref="OnnxRuntimeException"/>), its profile file in the temp folder cannot be written, read or parsed
    /// (<see cref="IOException"/>, <see cref="System.Text.Json.JsonException"/>), or the sample cannot be fed to it
    /// (<see cref="NotSupportedException"/>). Anything else is a bug and escapes.
    /// </summary>
    private static FallbackLatencyCost? MeasureLatency(Pipeline.PipelineState state, ModelProto reference, ModelProto quantized, SampleSource validation)
    {
        state.Report(PlanStepIds.ExcludeSensitiveNodes, "timing the float and the integer model with ONNX Runtime's profiler (latency cost)");
        try
        {
            var cost = FallbackLatencyCost.Measure(reference, quantized, validation.Read().First(), state.Profile);
            state.Context.Notes.Add(cost.Describe());
            return cost;
        }
        catch (Exception e) when (e is OnnxRuntimeException or IOException or System.Text.Json.JsonException or NotSupportedException)
        {
            state.Context.Notes.Add($"latency cost not measured ({e.Message.Split('\n')[0]}): ranking by damage alone");
            return null;
        }
    }

    /// <summary>The trade the fallback made, in MACs and the profile's milliseconds: what stayed integer against what went float for accuracy.</summary>
    private static string LatencyTrade(FallbackLatencyCost latency, IEnumerable<string> floatNodes, Attempts attempts)
    {
        var all = latency.MacNodes.ToList();
        var inFloat = floatNodes.Intersect(all, StringComparer.Ordinal).ToList();
        var (total, floatMacs) = (latency.Macs(all), latency.Macs(inFloat));
        return string.Create(CultureInfo.InvariantCulture,
            $"latency trade: {all.Count - inFloat.Count} of {all.Count} Conv/MatMul node(s) integer ({(total - floatMacs) / 1e6:F0} of {total / 1e6:F0} MMAC, ≈{latency.SavedMs(total - floatMacs):F1} ms saved per run on this host), " +
            $"{inFloat.Count} float for accuracy ({floatMacs / 1e6:F0} MMAC, ≈{latency.SavedMs(floatMacs):F1} ms given up); " +
            $"the largest float places handed back to int8 one by one: {attempts.HandBacks.Kept} of {attempts.HandBacks.Tried} tried held the budget");
    }

    /// <summary>
    /// Two notes: the outcome (counts, attempts, why the search stopped), short enough to survive the console's cut, and
    /// the node lists, which the console shortens to their first names (the report keeps them whole).
    /// </summary>
    private static string[] FallbackNotes(IReadOnlySet<string> floatActivations, IReadOnlyCollection<string> floatWeights, int activationItems, int weightItems, Attempts attempts,
        bool float32Weights)
    {
        var weightSet = floatWeights.ToHashSet(StringComparer.Ordinal);
        var activationsOnly = floatActivations.Where(n => !weightSet.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var fullyFloat = weightSet.Order(StringComparer.Ordinal).ToList();
        return
        [
            $"accuracy fallback kept {fullyFloat.Count} node(s) in float{(fullyFloat.Count > 0 ? $" (their weights {(float32Weights ? "float32" : "of 512+ values at 16 bits: int16, or float16 where the source stores it")})" : "")} and {activationsOnly.Count} node(s) with float activations, their weights (if any) int8 " +
            $"({activationItems} activation place(s), {weightItems} weight place(s)) after {attempts.Made} attempt(s), {attempts.Stopped()}",
            $"accuracy fallback, float: {string.Join(", ", fullyFloat)}; float activations: {string.Join(", ", activationsOnly)}",
        ];
    }

    /// <summary>
    /// The smallest k such that keeping items 0..k-1 in float meets the budget: doubling finds a k that works, then
    /// bisection between the last failing and the first passing k (accuracy grows with k closely enough for this;
    /// each step costs one quantization and one verification), then <see cref="Prune"/>. Null when even all items fail;
    /// All is the attempt with every item, when one was made. At the cap, doubling jumps to all items and the
    /// refinement stops (see the class remarks).
    /// </summary>
    private static (Trial? Best, List<int> Chosen, Trial? All) SmallestPassingPrefix(int count, Func<IReadOnlyList<int>, Trial> attempt, Func<Trial, bool> meets, Attempts attempts,
        bool feasibilityFirst = false, Func<IReadOnlyList<int>, long>? floatMacs = null)
    {
        if (count == 0) return (null, [], null);
        Trial Prefix(int k) => attempt(Enumerable.Range(0, k).ToList());
        if (feasibilityFirst && count > 1 && Prefix(count) is var everything && !meets(everything)) return (null, [], everything);
        int failing = 0, k = count > 1 && attempts.Stop() ? count : 1;
        var last = Prefix(k);
        while (!meets(last))
        {
            failing = k;
            // No cap below "everything float": a budget is a budget, and the note lists what stayed float.
            if (k >= count) return (null, [], last);
            // At the cap, the one attempt that settles it is "all of them".
            k = Math.Min(count, k * 2) < count && attempts.Stop() ? count : Math.Min(count, k * 2);
            last = Prefix(k);
        }

        var (best, passing) = (last, k);
        while (passing - failing > 1 && !attempts.Stop())
        {
            var mid = failing + ((passing - failing) / 2);
            var trial = Prefix(mid);
            if (meets(trial)) (best, passing) = (trial, mid);
            else failing = mid;
        }

        var (pruned, chosen) = Prune(Enumerable.Range(0, passing).ToList(), best, attempt, meets, attempts, floatMacs);
        return (pruned, chosen, passing == count ? best : null);
    }

    /// <summary>
    /// The damage ranking is measured once per round and does not add up exactly, so a passing prefix overshoots
    /// (PP-OCR det: 37 dB for a 30 dB budget). Hands chunks of it back to int8, halving the chunk size, least damaging
    /// first; a bounded number of extra attempts, none past the cap.
    /// </summary>
    private static (Trial Best, List<int> Chosen) Prune(List<int> chosen, Trial best, Func<IReadOnlyList<int>, Trial> attempt, Func<Trial, bool> meets, Attempts attempts,
        Func<IReadOnlyList<int>, long>? floatMacs = null)
    {
        var pruneAttempts = 0;
        for (var chunk = chosen.Count / 2; chunk >= 1 && pruneAttempts < MaxPruneAttempts && !attempts.Stop(); chunk /= 2)
        {
            for (var end = chosen.Count; end > 0 && pruneAttempts < MaxPruneAttempts && !attempts.Stop(); end -= chunk)
            {
                var start = Math.Max(0, end - chunk);
                var candidate = chosen.Take(start).Concat(chosen.Skip(end)).ToList();
                pruneAttempts++;
                var trial = attempt(candidate);
                if (!meets(trial)) continue;
                (best, chosen) = (trial, candidate);
            }
        }

        return floatMacs is null ? (best, chosen) : HandBackLargest(chosen, best, attempt, meets, attempts, floatMacs);
    }

    /// <summary>
    /// The latency step (<see cref="OptimizeRequest.FallbackLatencyCost"/>), after the pruning by damage: hands back to
    /// int8, one at a time, the chosen places whose float form runs the most Conv/MatMul MACs that no other chosen place
    /// keeps float, largest first, keeping each hand-back the budget survives. It starts from the set the search without
    /// it ends with and only removes places, so the result keeps at most the same float places (never more float MACs,
    /// nodes or Q/DQ boundaries than without it). Places freeing under 1 % of the set's float MACs are not tried; at most
    /// <see cref="MaxLatencyHandBacks"/> attempts, which the cap grants on top (<see cref="Attempts.StopHandingBack"/>).
    /// </summary>
    private static (Trial Best, List<int> Chosen) HandBackLargest(List<int> chosen, Trial best, Func<IReadOnlyList<int>, Trial> attempt, Func<Trial, bool> meets, Attempts attempts,
        Func<IReadOnlyList<int>, long> floatMacs)
    {
        attempts.HandingBack = true;
        var total = floatMacs(chosen);
        long Freed(List<int> set, int item) => floatMacs(set) - floatMacs(set.Where(i => i != item).ToList());
        var order = chosen.Select(i => (Item: i, Freed: Freed(chosen, i))).Where(p => p.Freed > 0 && p.Freed * 100 >= total)
            .OrderByDescending(p => p.Freed).ThenBy(p => p.Item).Select(p => p.Item).Take(MaxLatencyHandBacks).ToList();
        foreach (var item in order)
        {
            if (attempts.StopHandingBack()) break;
            if (Freed(chosen, item) == 0) continue;
            var candidate = chosen.Where(i => i != item).ToList();
            var trial = attempt(candidate);
            var kept = meets(trial);
            attempts.HandBacks = (attempts.HandBacks.Tried + 1, attempts.HandBacks.Kept + (kept ? 1 : 0));
            if (kept) (best, chosen) = (trial, candidate);
        }

        return (best, chosen);
    }

    /// <summary>Per node, the bytes of its int8/uint8 weights (initializers it reads through a DequantizeLinear), main graph and bodies.</summary>
    private static Dictionary<string, long> WeightBytes(ModelProto quantized)
    {
        var graphs = Graphs(quantized);
        var nodes = graphs.SelectMany(g => g.Node).ToList();
        var initializers = graphs.SelectMany(g => g.Initializer).GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var dequantized = nodes.Where(n => n.OpType == "DequantizeLinear" && initializers.TryGetValue(n.Input[0], out var t) && t.DataType is DType.Int8 or DType.Uint8)
            .GroupBy(n => n.Output[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Tensors.ElementCount(initializers[g.First().Input[0]]), StringComparer.Ordinal);
        return nodes.Where(n => n.Name.Length > 0)
            .GroupBy(n => n.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(n => n.Input).Sum(i => dequantized.GetValueOrDefault(i)), StringComparer.Ordinal);
    }

    /// <summary>
    /// What quantization costs where, largest first. Two kinds of damage: a node's (SQNR of its output minus the
    /// worst SQNR of its activation inputs, dequantized or float: its weights), and an activation's (SQNR of a tensor minus SQNR of its
    /// dequantized copy: its Q/DQ pair). Keeping an activation in float means keeping its producer and readers in float.
    /// Places inside If/Loop/Scan bodies rank with the main graph's: their values are routed out of the bodies for the
    /// measurement as for calibration (<see cref="BodyTaps"/>), and the quantizer's exclusions name body nodes as any other.
    /// </summary>
    /// <remarks>
    /// The reference is the float model the quantized one was made from (same tensor names). <c>unmeasured</c> counts probed
    /// values whose noise could not be measured (a body value that cannot be routed out, a branch no validation sample
    /// takes): the places that read them rank as if that value were exact. <c>samples</c>: at most this many validation samples.
    /// </remarks>
    public static IReadOnlyList<NodeDamage> RankByDamage(ModelProto reference, ModelProto quantized, SampleSource validation, out int unmeasured, int samples = SensitivitySamples)
    {
        var referenceGraphs = Graphs(reference);
        // Body inputs (a Loop's carried state) are values too: a pair on one is a place like any other.
        var referenceValues = referenceGraphs.SelectMany(g => g.Node).SelectMany(n => n.Output)
            .Concat(referenceGraphs.Skip(1).SelectMany(g => g.Input).Select(i => i.Name)).Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
        var graphInputs = reference.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var bodyNodes = Graphs(quantized).Skip(1).SelectMany(g => g.Node).ToHashSet(ReferenceEqualityComparer.Instance);
        var allNodes = Graphs(quantized).SelectMany(g => g.Node).ToList();
        // Names are unique across the model (the quantizer keeps them so); two sibling branches may still both define one: the first wins.
        var producers = allNodes.SelectMany(n => n.Output.Select(o => (o, n))).Where(p => p.o.Length > 0)
            .GroupBy(p => p.o, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().n, StringComparer.Ordinal);
        var consumers = allNodes.SelectMany(n => n.Input.Select(i => (i, n))).GroupBy(p => p.i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.n).ToList(), StringComparer.Ordinal);

        // Activation pairs: T → Q → DQ, with T a float value of the reference model.
        var pairs = new List<(string Tensor, string Dequantized)>();
        foreach (var dq in allNodes.Where(n => n.OpType == "DequantizeLinear"))
        {
            if (producers.TryGetValue(dq.Input[0], out var q) && q.OpType == "QuantizeLinear" && (referenceValues.Contains(q.Input[0]) || graphInputs.Contains(q.Input[0])))
                pairs.Add((q.Input[0], dq.Output[0]));
        }

        var dequantizedToTensor = pairs.ToDictionary(p => p.Dequantized, p => p.Tensor, StringComparer.Ordinal);
        var quantizedNodes = allNodes
            .Where(n => n.OpType is not ("QuantizeLinear" or "DequantizeLinear") && n.Output.Count > 0 && referenceValues.Contains(n.Output[0]))
            .Where(n => n.Input.Any(i => producers.TryGetValue(i, out var p) && p.OpType == "DequantizeLinear"))
            .ToList();

        var probes = pairs.SelectMany(p => new[] { (Ref: p.Tensor, Cand: p.Tensor), (Ref: p.Tensor, Cand: p.Dequantized) })
            .Concat(quantizedNodes.Select(n => (Ref: n.Output[0], Cand: n.Output[0])))
            // Float inputs of quantized nodes (a node computed in float on int8 weights reads its producer's output directly).
            .Concat(quantizedNodes.SelectMany(n => n.Input).Where(referenceValues.Contains).Select(i => (Ref: i, Cand: i)))
            .Where(p => !graphInputs.Contains(p.Cand))
            .Distinct().ToList();
        var sqnr = TensorSqnr(reference, quantized, probes, validation, samples);
        unmeasured = probes.Count(p => !sqnr.ContainsKey(p));
        double Sqnr(string refName, string candName) => graphInputs.Contains(candName) ? 100 : Math.Min(100, sqnr.GetValueOrDefault((refName, candName), 100));

        var ranking = new List<NodeDamage>();
        foreach (var (tensor, dequantized) in pairs)
        {
            var drop = AddedNoiseDb(Sqnr(tensor, tensor), Sqnr(tensor, dequantized));
            var nodes = consumers.GetValueOrDefault(dequantized, []).Select(n => n.Name)
                .Concat(producers.TryGetValue(tensor, out var p) ? [p.Name] : [])
                .Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            ranking.Add(new NodeDamage(tensor, "activation", drop, nodes) { InBody = producers.TryGetValue(dequantized, out var dq) && bodyNodes.Contains(dq) });
        }

        foreach (var node in quantizedNodes)
        {
            var inputSqnr = node.Input.Where(dequantizedToTensor.ContainsKey).Select(i => Sqnr(dequantizedToTensor[i], i))
                .Concat(node.Input.Where(referenceValues.Contains).Select(i => Sqnr(i, i))).DefaultIfEmpty(100).Min();
            ranking.Add(new NodeDamage(node.Name, node.OpType, AddedNoiseDb(inputSqnr, Sqnr(node.Output[0], node.Output[0])), [node.Name]) { InBody = bodyNodes.Contains(node) });
        }

        return ranking.OrderByDescending(r => r.DropDb).ThenBy(r => r.Label, StringComparer.Ordinal).ToList();
    }

    /// <summary>The main graph, then every If/Loop/Scan body, depth-first in stored order.</summary>
    private static List<GraphProto> Graphs(ModelProto model) => [model.Graph, .. ControlFlowBodies.All(model.Graph).Select(b => b.Graph)];

    /// <summary>
    /// Noise added between two points, as a power relative to the signal in dB (−47 means the noise added is
    /// 47 dB below the signal). Noise-to-signal ratios add up along a chain, unlike SQNR differences, so
    /// activations and weights rank on one scale.
    /// </summary>
    private static double AddedNoiseDb(double sqnrBefore, double sqnrAfter)
    {
        var added = Math.Pow(10, -sqnrAfter / 10) - Math.Pow(10, -sqnrBefore / 10);
        return added <= 0 ? -200 : 10 * Math.Log10(added);
    }

    /// <summary>
    /// SQNR of each probe (a value of the reference against one of the quantized model) over the validation samples.
    /// Body values are routed out of their bodies (<see cref="Calibrator.Open"/>); a probe that cannot be, or whose value no
    /// sample computed in both models (a branch not taken), has no entry. No probes: no session, an empty answer.
    /// </summary>
    private static Dictionary<(string, string), double> TensorSqnr(ModelProto reference, ModelProto quantized, List<(string Ref, string Cand)> probes, SampleSource validation, int samples)
    {
        var result = new Dictionary<(string, string), double>();
        if (probes.Count == 0) return result;
        var (a, refNames, refOutputs, _) = Calibrator.Open(reference, probes.Select(p => p.Ref).Distinct(StringComparer.Ordinal).ToList(), GraphOptimizationLevel.ORT_ENABLE_BASIC);
        using var sessionA = a;
        var (b, candNames, candOutputs, _) = Calibrator.Open(quantized, probes.Select(p => p.Cand).Distinct(StringComparer.Ordinal).ToList(), GraphOptimizationLevel.ORT_DISABLE_ALL);
        using var sessionB = b;
        var refIndex = refNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var candIndex = candNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var comparisons = probes.Select(p => new OutputComparison(p.Ref + " vs " + p.Cand)).ToList();
        foreach (var sample in validation.Read().Take(samples))
        {
            using var ra = Sessions.Run(sessionA, sample, refOutputs);
            using var rb = Sessions.Run(sessionB, sample, candOutputs);
            for (var i = 0; i < probes.Count; i++)
            {
                if (!refIndex.TryGetValue(probes[i].Ref, out var ri) || !candIndex.TryGetValue(probes[i].Cand, out var ci)) continue;
                var (x, y) = (ra[ri], rb[ci]);
                if (x.GetTensorTypeAndShape().ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float
                    || y.GetTensorTypeAndShape().ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float) continue;
                var xs = x.GetTensorDataAsSpan<float>();
                var ys = y.GetTensorDataAsSpan<float>();
                // Empty: a body value on a branch this sample did not take (in either model); sizes differ only if the models took different branches.
                if (xs.IsEmpty || xs.Length != ys.Length) continue;
                comparisons[i].Add(xs, ys, []);
            }
        }

        for (var i = 0; i < probes.Count; i++)
        {
            if (comparisons[i].Samples > 0) result[(probes[i].Ref, probes[i].Cand)] = comparisons[i].SqnrDb;
        }

        return result;
    }
}

/// <summary>How many dB of SQNR quantizing one node's weights or one activation costs, and the nodes to keep in float to avoid it.</summary>
public sealed record NodeDamage(string Label, string Kind, double DropDb, IReadOnlyList<string> Nodes)
{
    /// <summary>The place sits inside an If/Loop/Scan body.</summary>
    public bool InBody { get; init; }
}
