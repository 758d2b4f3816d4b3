namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Blind mutations of a model's bytes: what a flaky download, a bad disk, or a partial copy produce. Most results are
/// not valid protobuf; the ones that still parse (a flipped bit in a float weight, a changed dim) are the interesting ones.
/// </summary>
internal static class ByteMutations
{
    public static readonly string[] Kinds = ["bitflip", "truncate", "splice", "overwrite", "insert", "varint-max"];

    public static byte[] Apply(string kind, byte[] bytes, byte[] other, Random rng, out string detail)
    {
        switch (kind)
        {
            case "bitflip":
            {
                var copy = (byte[])bytes.Clone();
                var flips = rng.Next(1, 9);
                // Most of a real model is weights; half the time aim at the first 4 KB where graph structure lives.
                var window = rng.Next(2) == 0 ? Math.Min(copy.Length, 4096) : copy.Length;
                var at = new List<int>();
                for (var i = 0; i < flips; i++)
                {
                    var pos = rng.Next(window);
                    copy[pos] ^= (byte)(1 << rng.Next(8));
                    at.Add(pos);
                }

                detail = "at " + string.Join(",", at);
                return copy;
            }

            case "truncate":
            {
                var length = rng.Next(2) == 0 ? rng.Next(Math.Min(bytes.Length, 2048)) : rng.Next(bytes.Length);
                detail = "to " + length;
                return bytes[..length];
            }

            case "splice":
            {
                var cut = rng.Next(bytes.Length);
                var from = rng.Next(other.Length);
                detail = $"{cut}+other@{from}";
                return [.. bytes.AsSpan(0, cut), .. other.AsSpan(from)];
            }

            case "overwrite":
            {
                var copy = (byte[])bytes.Clone();
                var pos = rng.Next(Math.Min(copy.Length, 4096));
                var count = Math.Min(rng.Next(1, 16), copy.Length - pos);
                rng.NextBytes(copy.AsSpan(pos, count));
                detail = $"{count}@{pos}";
                return copy;
            }

            case "insert":
            {
                var pos = rng.Next(bytes.Length);
                var junk = new byte[rng.Next(1, 32)];
                rng.NextBytes(junk);
                detail = $"{junk.Length}@{pos}";
                return [.. bytes.AsSpan(0, pos), .. junk, .. bytes.AsSpan(pos)];
            }

            case "varint-max":
            {
                // A run of 0xFF is the longest varint protobuf allows: lengths and tags become absurd.
                var copy = (byte[])bytes.Clone();
                var pos = rng.Next(Math.Min(copy.Length, 4096));
                var count = Math.Min(rng.Next(2, 11), copy.Length - pos);
                copy.AsSpan(pos, count).Fill(0xFF);
                detail = $"{count}@{pos}";
                return copy;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
