using System.Runtime.CompilerServices;

namespace EdgeBuild.Optimization.Compression;

/// <summary>
/// Block-wise 4-bit quantization of a [K, N] weight in the layout of ONNX Runtime's com.microsoft MatMulNBits:
/// the weight is read column by column (one column per output feature n), each column cut into blocks of
/// <c>blockSize</c> consecutive k, each block with its own scale (and zero point). Codes are unsigned 4-bit,
/// two per byte, the lower k in the low nibble; K is padded to whole blocks with the zero point's code.
/// x ≈ (code − zeroPoint) · scale.
/// </summary>
public sealed record Int4BlockQuantization(byte[] Packed, float[] Scales, byte[]? PackedZeroPoints, int K, int N, int BlockSize)
{
    /// <summary>Zero point ORT assumes when the node has no zero_points input.</summary>
    public const int DefaultZeroPoint = 8;

    private const int ColumnTile = 64;

    public int BlocksPerColumn => (K + BlockSize - 1) / BlockSize;
    public int BlobSize => BlockSize / 2;

    /// <summary>Quantizes <paramref name="weight"/> (row-major [K, N]). Symmetric: zero point 8, scale absmax/7, no zero_points input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call per weight: skip tier-0 code for this hot loop
    public static Int4BlockQuantization Quantize(ReadOnlySpan<float> weight, int k, int n, int blockSize, bool symmetric)
    {
        if (blockSize < 16 || (blockSize & (blockSize - 1)) != 0)
            throw new ArgumentException($"int4 block size must be a power of two ≥ 16 (got {blockSize})", nameof(blockSize));
        var blocks = (k + blockSize - 1) / blockSize;
        var blob = blockSize / 2;
        var packed = new byte[n * blocks * blob];
        var scales = new float[n * blocks];
        var zeroPoints = new int[n * blocks];
        var lo = new float[n];
        var hi = new float[n];
        var inverse = new float[n];
        var zp = new int[n];
        // Rows of one block at a time, each row read left to right: the weight is row-major [K, N] and a column walk
        // would stride N floats per element (too slow for the 150 MB/s weight-only budget).
        for (var b = 0; b < blocks; b++)
        {
            var start = b * blockSize;
            var end = Math.Min(k, start + blockSize);
            Array.Clear(lo);
            Array.Clear(hi);
            for (var row = start; row < end; row++)
            {
                var values = weight.Slice(row * n, n);
                for (var col = 0; col < n; col++)
                {
                    lo[col] = Math.Min(lo[col], values[col]);
                    hi[col] = Math.Max(hi[col], values[col]);
                }
            }

            for (var col = 0; col < n; col++)
            {
                float scale;
                if (symmetric)
                {
                    var absMax = Math.Max(-lo[col], hi[col]);
                    scale = absMax == 0 ? 1f : absMax / 7f;
                    zp[col] = DefaultZeroPoint;
                }
                else
                {
                    scale = hi[col] == lo[col] ? 1f : (hi[col] - lo[col]) / 15f;
                    zp[col] = Math.Clamp((int)Math.Round(-lo[col] / scale, MidpointRounding.ToEven), 0, 15);
                }

                inverse[col] = 1f / scale;
                scales[col * blocks + b] = scale;
                zeroPoints[col * blocks + b] = zp[col];
            }

            // Columns in tiles so the blobs being filled (one per column, K/2 bytes apart) stay in L1.
            for (var tile = 0; tile < n; tile += ColumnTile)
            {
                var tileEnd = Math.Min(n, tile + ColumnTile);
                for (var j = 0; j < blockSize; j++)
                {
                    var row = start + j;
                    var shift = j % 2 == 0 ? 0 : 4;
                    var values = row < end ? weight.Slice(row * n, n) : default;
                    for (var col = tile; col < tileEnd; col++)
                    {
                        var code = row < end ? Math.Clamp((int)MathF.Round(values[col] * inverse[col]) + zp[col], 0, 15) : zp[col];
                        packed[(col * blocks + b) * blob + j / 2] |= (byte)(code << shift);
                    }
                }
            }
        }

        return new Int4BlockQuantization(packed, scales, symmetric ? null : PackZeroPoints(zeroPoints, n, blocks), k, n, blockSize);
    }

    /// <summary>Zero points as ORT reads them: per column ⌈blocks/2⌉ bytes, the even block in the low nibble.</summary>
    private static byte[] PackZeroPoints(int[] zeroPoints, int n, int blocks)
    {
        var perColumn = (blocks + 1) / 2;
        var packed = new byte[n * perColumn];
        for (var col = 0; col < n; col++)
        {
            for (var b = 0; b < blocks; b++)
            {
                var shift = b % 2 == 0 ? 0 : 4;
                packed[col * perColumn + b / 2] |= (byte)(zeroPoints[col * blocks + b] << shift);
            }
        }

        return packed;
    }

    /// <summary>The [K, N] float weight these codes stand for (the reference the tests compare ORT against).</summary>
    public float[] Dequantize()
    {
        var blocks = BlocksPerColumn;
        var perColumn = (blocks + 1) / 2;
        var result = new float[K * N];
        for (var col = 0; col < N; col++)
        {
            for (var row = 0; row < K; row++)
            {
                var b = row / BlockSize;
                var j = row % BlockSize;
                var v = Packed[(col * blocks + b) * BlobSize + j / 2];
                var code = j % 2 == 0 ? v & 0xF : v >> 4;
                var zp = PackedZeroPoints is null ? DefaultZeroPoint : (PackedZeroPoints[col * perColumn + b / 2] >> (b % 2 == 0 ? 0 : 4)) & 0xF;
                result[row * N + col] = (code - zp) * Scales[col * blocks + b];
            }
        }

        return result;
    }
}
