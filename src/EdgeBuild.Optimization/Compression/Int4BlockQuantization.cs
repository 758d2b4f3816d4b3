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

    public int BlocksPerColumn => (K + BlockSize - 1) / BlockSize;
    public int BlobSize => BlockSize / 2;

    /// <summary>Quantizes <paramref name="weight"/> (row-major [K, N]). Symmetric: zero point 8, scale absmax/7, no zero_points input.</summary>
    public static Int4BlockQuantization Quantize(ReadOnlySpan<float> weight, int k, int n, int blockSize, bool symmetric)
    {
        if (blockSize < 16 || (blockSize & (blockSize - 1)) != 0)
            throw new ArgumentException($"int4 block size must be a power of two ≥ 16 (got {blockSize})", nameof(blockSize));
        var blocks = (k + blockSize - 1) / blockSize;
        var blob = blockSize / 2;
        var packed = new byte[n * blocks * blob];
        var scales = new float[n * blocks];
        var zeroPoints = new int[n * blocks];
        var codes = new int[blockSize];
        for (var col = 0; col < n; col++)
        {
            for (var b = 0; b < blocks; b++)
            {
                var start = b * blockSize;
                var end = Math.Min(k, start + blockSize);
                float lo = 0, hi = 0;
                for (var row = start; row < end; row++)
                {
                    var v = weight[row * n + col];
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }

                float scale;
                int zp;
                if (symmetric)
                {
                    var absMax = Math.Max(-lo, hi);
                    scale = absMax == 0 ? 1f : absMax / 7f;
                    zp = DefaultZeroPoint;
                }
                else
                {
                    scale = hi == lo ? 1f : (hi - lo) / 15f;
                    zp = Math.Clamp((int)Math.Round(-lo / scale, MidpointRounding.ToEven), 0, 15);
                }

                for (var j = 0; j < blockSize; j++)
                {
                    var row = start + j;
                    codes[j] = row < end ? Math.Clamp((int)Math.Round(weight[row * n + col] / scale, MidpointRounding.ToEven) + zp, 0, 15) : zp;
                }

                var offset = (col * blocks + b) * blob;
                for (var j = 0; j < blob; j++) packed[offset + j] = (byte)(codes[2 * j] | (codes[2 * j + 1] << 4));
                scales[col * blocks + b] = scale;
                zeroPoints[col * blocks + b] = zp;
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
