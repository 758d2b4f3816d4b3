namespace EdgeBuild.Tests.Fuzzing;

/// <summary>
/// Deterministic corruptions of a model file for fuzz tests: mutant i of seed s is always the same bytes, so a
/// failure report ("seed 1, mutant 812: truncate at 4096") reproduces exactly.
/// </summary>
internal static class ModelMutator
{
    /// <summary>Fuzz seed; override with EDGEBUILD_FUZZ_SEED to explore further.</summary>
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("EDGEBUILD_FUZZ_SEED"), out var s) ? s : 20261123;

    /// <summary>Mutants per run; EDGEBUILD_FUZZ_ITERATIONS raises it for long opt-in runs.</summary>
    public static int Iterations(int defaultCount) =>
        int.TryParse(Environment.GetEnvironmentVariable("EDGEBUILD_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : defaultCount;

    public static (byte[] Bytes, string Description) Mutate(byte[] original, int seed, int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var bytes = original.ToArray();
        // Most of a real model is weight bytes; aim half of the damage at the first 64 KB, where the graph's
        // structure (and the first Constant nodes' headers) lives, so mutations reach the parser's decisions.
        int Position(int length) => random.Next(2) == 0 ? random.Next(Math.Min(length, 65536)) : random.Next(length);

        switch (index % 5)
        {
            case 0:
            {
                var flips = 1 + random.Next(16);
                for (var i = 0; i < flips; i++) bytes[Position(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            }

            case 1:
            {
                var length = Position(bytes.Length);
                return (bytes[..length], $"truncate at {length}");
            }

            case 2:
            {
                // Splice: a chunk of the file copied over another place (valid-looking protobuf in the wrong spot).
                var length = 1 + random.Next(4096);
                var from = random.Next(bytes.Length - length);
                var to = Position(bytes.Length - length);
                Array.Copy(original, from, bytes, to, length);
                return (bytes, $"splice {length} bytes from {from} to {to}");
            }

            case 3:
            {
                // Splice by insertion: shifts everything after, breaking every enclosing length prefix.
                var length = 1 + random.Next(512);
                var from = random.Next(original.Length - length);
                var at = Position(original.Length);
                return ([.. original.AsSpan(0, at), .. original.AsSpan(from, length), .. original.AsSpan(at)], $"insert {length} bytes from {from} at {at}");
            }

            default:
            {
                // Overlong or huge varints: the classic "length field says 2^62" attack on allocation.
                var at = Position(bytes.Length - 10);
                var run = 1 + random.Next(10);
                for (var i = 0; i < run; i++) bytes[at + i] = i == run - 1 ? (byte)random.Next(128) : (byte)(0x80 | random.Next(128));
                return (bytes, $"varint run of {run} at {at}");
            }
        }
    }
}
