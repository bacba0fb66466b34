namespace VisPruner.Imaging.Processing;

/// <summary>
/// Separable convolution resize with the arithmetic of Pillow's <c>Image.resize</c> for 8-bit images:
/// kernels widened by the scale factor when shrinking (antialiasing), coefficients normalised in double and
/// rounded to 22-bit fixed point, each pass rounded back to 8 bits. Results equal Pillow's byte for byte.
/// </summary>
internal static class PillowResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

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
        Kernel k = Kernel.Create(source.Width, width, filter);
        var output = new RgbImage(width, source.Height);
        for (int y = 0; y < source.Height; y++)
        {
            ReadOnlySpan<byte> src = source.GetRow(y);
            Span<byte> dst = output.GetRow(y);
            for (int x = 0; x < width; x++)
            {
                int first = k.Bounds[2 * x];
                int count = k.Bounds[(2 * x) + 1];
                ReadOnlySpan<int> w = k.Weights.AsSpan(x * k.Size, count);
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                ReadOnlySpan<byte> s = src.Slice(first * 3, count * 3);
                for (int i = 0; i < w.Length; i++)
                {
                    r += s[3 * i] * w[i];
                    g += s[(3 * i) + 1] * w[i];
                    b += s[(3 * i) + 2] * w[i];
                }

                dst[3 * x] = Clip(r);
                dst[(3 * x) + 1] = Clip(g);
                dst[(3 * x) + 2] = Clip(b);
            }
        }

        return output;
    }

    private static RgbImage Vertical(RgbImage source, int height, ResampleFilter filter)
    {
        Kernel k = Kernel.Create(source.Height, height, filter);
        var output = new RgbImage(source.Width, height);
        int rowBytes = source.Width * 3;
        int[] accumulator = new int[rowBytes];
        for (int y = 0; y < height; y++)
        {
            accumulator.AsSpan().Fill(1 << (PrecisionBits - 1));
            int first = k.Bounds[2 * y];
            int count = k.Bounds[(2 * y) + 1];
            for (int i = 0; i < count; i++)
            {
                int w = k.Weights[(y * k.Size) + i];
                ReadOnlySpan<byte> src = source.GetRow(first + i);
                for (int j = 0; j < rowBytes; j++)
                {
                    accumulator[j] += src[j] * w;
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

    private static byte Clip(int value) => (byte)Math.Clamp(value >> PrecisionBits, 0, 255);

    /// <summary>Per output sample: first input index, tap count, and fixed-point weights.</summary>
    private sealed class Kernel
    {
        public required int Size { get; init; }

        public required int[] Bounds { get; init; }

        public required int[] Weights { get; init; }

        public static Kernel Create(int inSize, int outSize, ResampleFilter filter)
        {
            double support = filter == ResampleFilter.Bilinear ? 1.0 : 2.0;
            double scale = (double)inSize / outSize;
            double filterScale = Math.Max(scale, 1.0);
            support *= filterScale;
            int size = ((int)Math.Ceiling(support) * 2) + 1;
            int[] bounds = new int[outSize * 2];
            int[] weights = new int[outSize * size];
            double[] taps = new double[size];
            for (int xx = 0; xx < outSize; xx++)
            {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.Max((int)(center - support + 0.5), 0);
                int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
                double sum = 0.0;
                for (int x = 0; x < xmax; x++)
                {
                    double w = Evaluate(filter, (x + xmin - center + 0.5) * ss);
                    taps[x] = w;
                    sum += w;
                }

                for (int x = 0; x < xmax; x++)
                {
                    double w = sum != 0.0 ? taps[x] / sum : taps[x];
                    weights[(xx * size) + x] = (int)(w < 0 ? -0.5 + (w * (1 << PrecisionBits)) : 0.5 + (w * (1 << PrecisionBits)));
                }

                bounds[2 * xx] = xmin;
                bounds[(2 * xx) + 1] = xmax;
            }

            return new Kernel { Size = size, Bounds = bounds, Weights = weights };
        }

        private static double Evaluate(ResampleFilter filter, double x)
        {
            x = Math.Abs(x);
            if (filter == ResampleFilter.Bilinear)
            {
                return x < 1.0 ? 1.0 - x : 0.0;
            }

            const double A = -0.5;
            return x < 1.0 ? ((((A + 2.0) * x) - (A + 3.0)) * x * x) + 1
                : x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * A
                : 0.0;
        }
    }
}

/// <summary>Pillow's resampling filters used by the processors.</summary>
internal enum ResampleFilter
{
    Bilinear,
    Bicubic,
}
