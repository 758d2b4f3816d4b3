using System.Diagnostics;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// The mutation fuzzer: first every structural mutation on every small seed (and the real models), then random
/// byte and structural mutations of random seeds until the time budget is spent. Every input runs through every
/// fuzzed command; anything but <see cref="Verdict.Ok"/>/<see cref="Verdict.Rejected"/> is a finding, saved for replay.
/// </summary>
internal sealed class FuzzCampaign(int seed, TimeSpan budget, TimeSpan perInputTimeout, string workRoot, string? findingsDir)
{
    public int InputsTried { get; private set; }
    public int Runs { get; private set; }
    public int QuantizingRuns { get; private set; }
    public Dictionary<Verdict, int> Verdicts { get; } = Enum.GetValues<Verdict>().ToDictionary(v => v, _ => 0);
    public Dictionary<string, int> Families { get; } = [];
    public List<CliOutcome> Findings { get; } = [];
    public CliOutcome? Slowest { get; private set; }
    public long MaxAllocatedBytes { get; private set; }
    public TimeSpan Elapsed { get; private set; }

    public void Run()
    {
        var clock = Stopwatch.StartNew();
        var rng = new Random(seed);
        // Quantizing runs cost seconds on a real model: full coverage quantizes the small synthetic seeds only,
        // the time-bounded random phase also the classifier; the detector never (a minute per run).
        foreach (var input in Coverage(rng)) Try(input, quantize: !IsRealModel(input));
        while (clock.Elapsed < budget)
        {
            var input = RandomInput(rng);
            Try(input, quantize: !input.Name.StartsWith("detector/", StringComparison.Ordinal));
        }
        Elapsed = clock.Elapsed;
    }

    /// <summary>Each structural mutation once per seed; the 4.7 MB detector only gets the ones aimed at loading limits.</summary>
    private static IEnumerable<HostileInput> Coverage(Random rng)
    {
        foreach (var s in SeedModels.Seeds)
        {
            foreach (var (name, _) in StructuralMutations.All)
            {
                if (s.Name == "detector" && !name.Contains("dims", StringComparison.Ordinal) && !name.StartsWith("external", StringComparison.Ordinal)) continue;
                if (Structural(s, name, rng) is { } input) yield return input;
            }
        }

        foreach (var s in SeedModels.Seeds.Where(s => s.Name != "detector"))
        {
            foreach (var kind in ByteMutations.Kinds) yield return Bytes(s, kind, rng);
        }
    }

    private static HostileInput RandomInput(Random rng)
    {
        // The detector is 8x the classifier and takes that much longer; give it 1 draw in 8.
        var seeds = SeedModels.Seeds;
        var s = rng.Next(8) == 0 ? SeedModels.Get("detector") : seeds.Where(x => x.Name != "detector").ElementAt(rng.Next(seeds.Count - 1));
        if (rng.Next(2) == 0) return Bytes(s, ByteMutations.Kinds[rng.Next(ByteMutations.Kinds.Length)], rng);

        for (var attempt = 0; ; attempt++)
        {
            var (name, _) = StructuralMutations.All[rng.Next(StructuralMutations.All.Count)];
            if (Structural(s, name, rng) is { } input) return input;
            if (attempt > 20) return Bytes(s, "bitflip", rng);
        }
    }

    private static HostileInput Bytes(SeedModels.Seed s, string kind, Random rng)
    {
        var other = SeedModels.Seeds[rng.Next(SeedModels.Seeds.Count)].Bytes;
        var bytes = ByteMutations.Apply(kind, s.Bytes, other, rng, out var detail);
        return new HostileInput($"{s.Name}/{kind}/{detail}", "bytes:" + kind, bytes, s.SideFiles);
    }

    private static HostileInput? Structural(SeedModels.Seed s, string mutation, Random rng)
    {
        var model = s.Parse();
        var side = new Dictionary<string, byte[]>(s.SideFiles);
        var apply = StructuralMutations.All.Single(m => m.Name == mutation).Apply;
        var detail = apply(model, rng, side);
        return detail is null ? null : new HostileInput($"{s.Name}/{mutation}/{detail}", "structure:" + mutation, model.ToByteArray(), side);
    }

    private static bool IsRealModel(HostileInput input) =>
        input.Name.StartsWith("detector/", StringComparison.Ordinal) || input.Name.StartsWith("classifier/", StringComparison.Ordinal);

    private void Try(HostileInput input, bool quantize)
    {
        InputsTried++;
        Families[input.Family] = Families.GetValueOrDefault(input.Family) + 1;
        foreach (var command in CliHarness.FuzzedCommands)
        {
            if (command == CliHarness.QuantizingCommand && !quantize) continue;
            var dir = Path.Combine(workRoot, $"{InputsTried:D6}-{command}");
            var outcome = CliHarness.Run(command, input, dir, perInputTimeout);
            Runs++;
            if (command == CliHarness.QuantizingCommand) QuantizingRuns++;
            Verdicts[outcome.Verdict]++;
            MaxAllocatedBytes = Math.Max(MaxAllocatedBytes, outcome.AllocatedBytes);
            if (Slowest is null || outcome.Elapsed > Slowest.Elapsed) Slowest = outcome;
            if (outcome.Verdict is not (Verdict.Ok or Verdict.Rejected))
            {
                Findings.Add(outcome);
                Save(input, outcome);
            }

            if (outcome.Verdict != Verdict.Hang) TryDelete(dir); // a hung run may still hold its files
        }
    }

    private void Save(HostileInput input, CliOutcome outcome)
    {
        if (findingsDir is null) return;
        var dir = Path.Combine(findingsDir, $"{seed}-{InputsTried:D6}-{outcome.Verdict}");
        input.WriteTo(dir);
        File.WriteAllText(Path.Combine(dir, "finding.txt"), outcome + "\n");
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public IReadOnlyDictionary<string, object> Figures() => new SortedDictionary<string, object>(StringComparer.Ordinal)
    {
        ["seed"] = seed,
        ["commands"] = string.Join(",", CliHarness.FuzzedCommands),
        ["inputsTried"] = InputsTried,
        ["runs"] = Runs,
        ["quantizingRuns"] = QuantizingRuns,
        ["ok"] = Verdicts[Verdict.Ok],
        ["rejected"] = Verdicts[Verdict.Rejected],
        ["crashes"] = Verdicts[Verdict.Crash],
        ["hangs"] = Verdicts[Verdict.Hang],
        ["corruptOutputs"] = Verdicts[Verdict.Corrupt],
        ["memoryBlowups"] = Verdicts[Verdict.MemoryBlowup],
        ["mutationFamilies"] = Families.Count,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 1),
        ["slowestSeconds"] = Math.Round(Slowest?.Elapsed.TotalSeconds ?? 0, 2),
        ["slowestInput"] = Slowest?.Input ?? "",
        ["maxManagedAllocationMB"] = MaxAllocatedBytes >> 20,
    };
}
