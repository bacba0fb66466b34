namespace VisPruner.Imaging.Png;

/// <summary>The five PNG row filters: applied when encoding, reversed in place when decoding.</summary>
internal static class PngFilters
{
    public const int Count = 5;

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="filter"/> into <paramref name="output"/>
    /// and returns the sum of the outputs read as signed bytes, the usual estimate of how well a row compresses.</summary>
    /// <remarks>For the first row, <paramref name="previous"/> is all zeros, as the PNG specification defines.</remarks>
    public static long Apply(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int stride, Span<byte> output)
    {
        switch (filter)
        {
            case 0:
                row.CopyTo(output);
                break;
            case 1:
                row[..stride].CopyTo(output);
                for (int i = stride; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - row[i - stride]);
                }

                break;
            case 2:
                for (int i = 0; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - previous[i]);
                }

                break;
            case 3:
                for (int i = 0; i < stride; i++)
                {
                    output[i] = (byte)(row[i] - (previous[i] >> 1));
                }

                for (int i = stride; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - ((row[i - stride] + previous[i]) >> 1));
                }

                break;
            case 4:
                for (int i = 0; i < stride; i++)
                {
                    output[i] = (byte)(row[i] - previous[i]);
                }

                for (int i = stride; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - Paeth(row[i - stride], previous[i], previous[i - stride]));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "PNG defines filter types 0 to 4.");
        }

        long cost = 0;
        foreach (byte value in output[..row.Length])
        {
            cost += Math.Abs((int)(sbyte)value);
        }

        return cost;
    }

    public static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int stride)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = stride; i < row.Length; i++)
                {
                    row[i] += row[i - stride];
                }

                break;
            case 2:
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] += previous[i];
                }

                break;
            case 3:
                for (int i = 0; i < stride; i++)
                {
                    row[i] += (byte)(previous[i] >> 1);
                }

                for (int i = stride; i < row.Length; i++)
                {
                    row[i] += (byte)((row[i - stride] + previous[i]) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < stride; i++)
                {
                    row[i] += previous[i];
                }

                for (int i = stride; i < row.Length; i++)
                {
                    row[i] += Paeth(row[i - stride], previous[i], previous[i - stride]);
                }

                break;
            default:
                throw new InvalidImageException($"PNG row uses unknown filter type {filter}.");
        }
    }

    private static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
