using Xunit.Abstractions;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// A sample of hostile models through the real process (`dotnet edgebuild.dll`), as the MSBuild task runs it:
/// what reaches the console must be exactly one canonical line, including anything native ONNX Runtime would print,
/// and a native crash or hang would show here as a signal exit code or a timeout.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class OutOfProcessHostileModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgebuild-oop-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly string[] Mutations =
    [
        "dims-product-overflows", "raw-data-too-short", "external-dotdot", "cyclic-graph",
        "duplicate-node-names", "deep-subgraph-nesting", "absurd-attribute-ints", "unknown-operator",
    ];

    [Fact]
    public void Hostile_models_through_the_real_process_print_one_canonical_line_and_exit_2()
    {
        var rng = new Random(4242);
        var seed = SeedModels.Get("classifier");
        var inputs = new List<HostileInput>();
        foreach (var name in Mutations)
        {
            var model = seed.Parse();
            var side = new Dictionary<string, byte[]>();
            var detail = StructuralMutations.All.Single(m => m.Name == name).Apply(model, rng, side);
            inputs.Add(new HostileInput($"classifier/{name}/{detail}", name, Google.Protobuf.MessageExtensions.ToByteArray(model), side));
        }

        inputs.Add(new HostileInput("classifier/truncate", "truncate", seed.Bytes[..(seed.Bytes.Length / 3)]));
        inputs.Add(new HostileInput("classifier/bitflip", "bitflip", ByteMutations.Apply("varint-max", seed.Bytes, seed.Bytes, rng, out _)));

        var runs = 0;
        var problems = new List<string>();
        foreach (var (input, i) in inputs.Select((x, i) => (x, i)))
        {
            // Quantizing runs on the real classifier take seconds each; the in-process campaign covers them.
            foreach (var command in CliHarness.FuzzedCommands.Where(c => c != CliHarness.QuantizingCommand))
            {
                var dir = Path.Combine(_root, $"{i}-{command}");
                var model = input.WriteTo(Path.Combine(dir, "in"));
                var result = OutOfProcessCli.Run(CliHarness.Arguments(command, model, Path.Combine(dir, "out")), TimeSpan.FromMinutes(2));
                runs++;
                var problem = result.TimedOut ? "timed out"
                    : result.ExitCode == 0 ? null
                    : result.ExitCode != 2 ? $"exit code {result.ExitCode}: {Diagnostics.Trim(result.Stderr)}"
                    : Diagnostics.CheckSingleCanonicalError(result.Stderr, Path.Combine(dir, "in"));
                if (problem is not null) problems.Add($"{command} {input.Name}: {problem}");
            }
        }

        ReliabilityFigures.Record(output, "fuzz-out-of-process", new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["inputs"] = inputs.Count,
            ["runs"] = runs,
            ["crashesOrNoncanonicalOutput"] = problems.Count,
        });
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
