namespace VisPruner.Imaging.Jpeg;

/// <summary>A canonical Huffman table from a DHT segment, with a 9-bit lookup for short codes.</summary>
internal sealed class HuffmanTable
{
    public const int LookupBits = 9;

    // Entry: (code length << 8) | symbol, 0 when the code is longer than LookupBits.
    public readonly ushort[] Lookup = new ushort[1 << LookupBits];

    // Per code length 1..16: largest code (-1 when none), and the offset from code to symbol index.
    public readonly int[] MaxCode = new int[18];
    public readonly int[] ValueOffset = new int[17];
    public readonly byte[] Values;

    public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
    {
        Values = values.ToArray();
        int code = 0;
        int k = 0;
        for (int length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];
            ValueOffset[length] = k - code;
            if (n == 0)
            {
                MaxCode[length] = -1;
            }
            else
            {
                for (int i = 0; i < n; i++, k++, code++)
                {
                    if (code >= 1 << length)
                    {
                        throw new InvalidImageException("JPEG Huffman table is over-subscribed (more codes than the lengths allow).");
                    }

                    if (length <= LookupBits)
                    {
                        int shift = LookupBits - length;
                        int first = code << shift;
                        for (int j = 0; j < 1 << shift; j++)
                        {
                            Lookup[first + j] = (ushort)((length << 8) | values[k]);
                        }
                    }
                }

                MaxCode[length] = code - 1;
            }

            code <<= 1;
        }

        MaxCode[17] = int.MaxValue; // Sentinel: every 16-bit pattern ends the slow search.
    }
}
