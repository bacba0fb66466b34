namespace VisPruner.Imaging.Png;

/// <summary>Reverses the five PNG row filters in place.</summary>
internal static class PngFilters
{
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
