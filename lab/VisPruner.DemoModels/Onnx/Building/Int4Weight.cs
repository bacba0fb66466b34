namespace VisPruner.Onnx;

/// <summary>
/// A weight matrix quantized to 4 bits in blocks, laid out as ONNX Runtime's <c>MatMulNBits</c> expects:
/// for a weight <c>W[N, K]</c> (output features by input features), <see cref="Packed"/> is
/// <c>[N, K / BlockSize, BlockSize / 2]</c> bytes with element <c>2i</c> in the low nibble and <c>2i+1</c>
/// in the high nibble; <see cref="Scales"/> is <c>[N, K / BlockSize]</c>; <see cref="ZeroPoints"/> packs
/// one 4-bit zero point per block, two per byte, <c>[N, ceil(blocks / 2)]</c>. Value = (q - zero point) * scale.
/// </summary>
internal sealed class Int4Weight
{
    private Int4Weight(int n, int k, int blockSize, byte[] packed, float[] scales, byte[]? zeroPoints)
    {
        N = n;
        K = k;
        BlockSize = blockSize;
        Packed = packed;
        Scales = scales;
        ZeroPoints = zeroPoints;
    }

    /// <summary>Output features (rows of W).</summary>
    public int N { get; }

    /// <summary>Input features (columns of W).</summary>
    public int K { get; }

    /// <summary>Elements per quantization block along K (16, 32, 64, 128, ...).</summary>
    public int BlockSize { get; }

    /// <summary>Blocks per row: K / BlockSize.</summary>
    public int BlocksPerRow => K / BlockSize;

    /// <summary>The packed 4-bit values.</summary>
    public byte[] Packed { get; }

    /// <summary>One scale per block.</summary>
    public float[] Scales { get; }

    /// <summary>Packed 4-bit zero points, or null for symmetric quantization (zero point 8).</summary>
    public byte[]? ZeroPoints { get; }

    /// <summary>
    /// Quantizes <paramref name="weights"/> (row-major <c>[n, k]</c>) per block: asymmetric min/max with
    /// zero points, or symmetric around 8 without them.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not match, or <paramref name="k"/> is not a multiple of an even block size.</exception>
    public static Int4Weight Quantize(ReadOnlySpan<float> weights, int n, int k, int blockSize, bool withZeroPoints = true)
    {
        if (n <= 0 || k <= 0 || weights.Length != (long)n * k)
        {
            throw new ArgumentException($"Expected {n} x {k} weights, got {weights.Length}.", nameof(weights));
        }

        if (blockSize < 16 || (blockSize & (blockSize - 1)) != 0 || k % blockSize != 0)
        {
            throw new ArgumentException($"The block size must be a power of two of at least 16 dividing K={k}; got {blockSize}.", nameof(blockSize));
        }

        int blocks = k / blockSize;
        var packed = new byte[n * blocks * (blockSize / 2)];
        var scales = new float[n * blocks];
        byte[]? zeroPoints = withZeroPoints ? new byte[n * ((blocks + 1) / 2)] : null;
        for (int row = 0; row < n; row++)
        {
            for (int block = 0; block < blocks; block++)
            {
                ReadOnlySpan<float> values = weights.Slice(row * k + block * blockSize, blockSize);
                (float scale, int zeroPoint) = withZeroPoints ? Asymmetric(values) : Symmetric(values);
                scales[row * blocks + block] = scale;
                if (zeroPoints is not null)
                {
                    int index = row * ((blocks + 1) / 2) + block / 2;
                    zeroPoints[index] |= (byte)(zeroPoint << (block % 2 * 4));
                }

                int packedBase = (row * blocks + block) * (blockSize / 2);
                for (int i = 0; i < blockSize; i++)
                {
                    int q = scale == 0 ? zeroPoint : Math.Clamp((int)MathF.Round(values[i] / scale) + zeroPoint, 0, 15);
                    packed[packedBase + i / 2] |= (byte)(q << (i % 2 * 4));
                }
            }
        }

        return new Int4Weight(n, k, blockSize, packed, scales, zeroPoints);
    }

    private static (float Scale, int ZeroPoint) Asymmetric(ReadOnlySpan<float> values)
    {
        // The range must include 0 so that 0 stays exactly representable.
        float min = MathF.Min(0, System.Numerics.Tensors.TensorPrimitives.Min(values));
        float max = MathF.Max(0, System.Numerics.Tensors.TensorPrimitives.Max(values));
        float scale = (max - min) / 15f;
        int zeroPoint = scale == 0 ? 8 : Math.Clamp((int)MathF.Round(-min / scale), 0, 15);
        return (scale, zeroPoint);
    }

    private static (float Scale, int ZeroPoint) Symmetric(ReadOnlySpan<float> values)
    {
        float absMax = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values);
        return (MathF.Abs(absMax) / 7f, 8);
    }
}
