namespace VisPruner.Imaging.Processing;

/// <summary>
/// Separable convolution resize with the arithmetic of Pillow's <c>Image.resize</c> for 8-bit images:
/// kernels widened by the scale factor when shrinking (antialiasing), coefficients normalised in double and
/// rounded to 22-bit fixed point, each pass rounded back to 8 bits. Results equal Pillow's byte for byte.
/// </summary>
/// <remarks>
/// Pillow keeps one table of <c>outSize * ksize</c> coefficients, which grows with the source side: resizing a
/// 100,000,000 x 1 image would need 800 MB of them. Here coefficients live in a table of at most
/// <see cref="WeightBudget"/> entries, filled for as many consecutive output samples as fit; a window wider than the
/// whole table (only for downscale factors in the tens of thousands) is summed in table-sized pieces.
/// </remarks>
internal static class PillowResampler
{
    /// <summary>Most fixed-point weights held at once: 1 MiB.</summary>
    internal const int WeightBudget = 1 << 18;

    private const int Half = 1 << (ResampleKernel.PrecisionBits - 1);

    /// <summary>Resizes <paramref name="source"/>; <paramref name="verticalFirst"/> swaps the pass order, which is how
    /// Pillow would process the transposed image.</summary>
    public static RgbImage Resize(RgbImage source, int width, int height, ResampleFilter filter, bool verticalFirst = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        RgbImage image = source;
        if (verticalFirst)
        {
            image = height != image.Height ? Vertical(image, height, filter) : image;
            image = width != image.Width ? Horizontal(image, width, filter) : image;
        }
        else
        {
            image = width != image.Width ? Horizontal(image, width, filter) : image;
            image = height != image.Height ? Vertical(image, height, filter) : image;
        }

        return ReferenceEquals(image, source) ? new RgbImage(width, height, source.Pixels.ToArray()) : image;
    }

    private static RgbImage Horizontal(RgbImage source, int width, ResampleFilter filter)
    {
        var kernel = new ResampleKernel(source.Width, width, filter);
        var output = new RgbImage(width, source.Height);
        int[] weights = new int[(int)Math.Min(WeightBudget, kernel.MaxTaps * width)];
        var windows = new ResampleKernel.Window[width];
        int[] offsets = new int[width];
        int x = 0;
        while (x < width)
        {
            // Fill the table with the weights of output samples x .. end - 1.
            int end = x, used = 0;
            for (; end < width; end++)
            {
                windows[end] = kernel.GetWindow(end);
                if (used + windows[end].Count > weights.Length)
                {
                    break;
                }

                offsets[end] = used;
                kernel.GetWeights(windows[end], 0, weights.AsSpan(used, windows[end].Count));
                used += windows[end].Count;
            }

            if (end == x)
            {
                HorizontalWideWindow(source, output, x, kernel, windows[x], weights);
                x++;
                continue;
            }

            for (int y = 0; y < source.Height; y++)
            {
                ReadOnlySpan<byte> src = source.GetRow(y);
                Span<byte> dst = output.GetRow(y);
                for (int xx = x; xx < end; xx++)
                {
                    ResampleKernel.Window window = windows[xx];
                    int r = Half, g = Half, b = Half;
                    Accumulate(src.Slice(window.First * 3, window.Count * 3), weights.AsSpan(offsets[xx], window.Count), ref r, ref g, ref b);
                    dst[3 * xx] = Clip(r);
                    dst[(3 * xx) + 1] = Clip(g);
                    dst[(3 * xx) + 2] = Clip(b);
                }
            }

            x = end;
        }

        return output;
    }

    /// <summary>Output column <paramref name="x"/> of a window wider than the weight table: summed piece by piece,
    /// with one accumulator per row (few rows, since the source has at least <see cref="WeightBudget"/> columns).</summary>
    private static void HorizontalWideWindow(RgbImage source, RgbImage output, int x, ResampleKernel kernel, ResampleKernel.Window window, int[] weights)
    {
        int[] sums = new int[3 * source.Height];
        sums.AsSpan().Fill(Half);
        for (int from = 0; from < window.Count; from += weights.Length)
        {
            Span<int> piece = weights.AsSpan(0, Math.Min(weights.Length, window.Count - from));
            kernel.GetWeights(window, from, piece);
            for (int y = 0; y < source.Height; y++)
            {
                Accumulate(source.GetRow(y).Slice((window.First + from) * 3, piece.Length * 3), piece, ref sums[3 * y], ref sums[(3 * y) + 1], ref sums[(3 * y) + 2]);
            }
        }

        for (int y = 0; y < source.Height; y++)
        {
            Span<byte> dst = output.GetRow(y).Slice(3 * x, 3);
            dst[0] = Clip(sums[3 * y]);
            dst[1] = Clip(sums[(3 * y) + 1]);
            dst[2] = Clip(sums[(3 * y) + 2]);
        }
    }

    private static void Accumulate(ReadOnlySpan<byte> samples, ReadOnlySpan<int> weights, ref int r, ref int g, ref int b)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            r += samples[3 * i] * weights[i];
            g += samples[(3 * i) + 1] * weights[i];
            b += samples[(3 * i) + 2] * weights[i];
        }
    }

    private static RgbImage Vertical(RgbImage source, int height, ResampleFilter filter)
    {
        var kernel = new ResampleKernel(source.Height, height, filter);
        var output = new RgbImage(source.Width, height);
        int rowBytes = source.Width * 3;
        int[] accumulator = new int[rowBytes];
        int[] weights = new int[(int)Math.Min(WeightBudget, kernel.MaxTaps)];
        for (int y = 0; y < height; y++)
        {
            accumulator.AsSpan().Fill(Half);
            ResampleKernel.Window window = kernel.GetWindow(y);
            for (int from = 0; from < window.Count; from += weights.Length)
            {
                Span<int> piece = weights.AsSpan(0, Math.Min(weights.Length, window.Count - from));
                kernel.GetWeights(window, from, piece);
                for (int i = 0; i < piece.Length; i++)
                {
                    int w = piece[i];
                    ReadOnlySpan<byte> src = source.GetRow(window.First + from + i);
                    for (int j = 0; j < rowBytes; j++)
                    {
                        accumulator[j] += src[j] * w;
                    }
                }
            }

            Span<byte> dst = output.GetRow(y);
            for (int j = 0; j < rowBytes; j++)
            {
                dst[j] = Clip(accumulator[j]);
            }
        }

        return output;
    }

    private static byte Clip(int value) => (byte)Math.Clamp(value >> ResampleKernel.PrecisionBits, 0, 255);
}
