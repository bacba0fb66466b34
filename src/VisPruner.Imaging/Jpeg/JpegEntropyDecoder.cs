namespace VisPruner.Imaging.Jpeg;

/// <summary>Huffman decoding of one block for baseline and the four progressive scan kinds.</summary>
internal static class JpegEntropyDecoder
{
    /// <summary>Natural-order index of each zig-zag position, padded so a run past 63 lands on 63.</summary>
    public static ReadOnlySpan<byte> ZigZag =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    public static void DecodeBaseline(ref JpegBitReader reader, JpegComponent c, scoped Span<short> block)
    {
        int t = reader.Decode(c.DcTable!);
        c.DcPredictor += reader.ReceiveExtend(t);
        block[0] = (short)c.DcPredictor;
        HuffmanTable ac = c.AcTable!;
        for (int k = 1; k < 64; k++)
        {
            int rs = reader.Decode(ac);
            int s = rs & 15;
            int r = rs >> 4;
            if (s == 0)
            {
                if (r != 15)
                {
                    break;
                }

                k += 15;
                continue;
            }

            k += r;
            if (k > 63)
            {
                throw new InvalidImageException("JPEG block data runs past coefficient 63 (corrupt entropy-coded data).");
            }

            block[ZigZag[k]] = (short)reader.ReceiveExtend(s);
        }
    }

    public static void DecodeDcFirst(ref JpegBitReader reader, JpegComponent c, scoped Span<short> block, int al)
    {
        int t = reader.Decode(c.DcTable!);
        c.DcPredictor += reader.ReceiveExtend(t);
        block[0] = (short)(c.DcPredictor << al);
    }

    public static void DecodeDcRefine(ref JpegBitReader reader, scoped Span<short> block, int al)
    {
        if (reader.ReadBit() != 0)
        {
            block[0] |= (short)(1 << al);
        }
    }

    public static void DecodeAcFirst(ref JpegBitReader reader, JpegComponent c, scoped Span<short> block, JpegScan scan, ref int eobRun)
    {
        if (eobRun > 0)
        {
            eobRun--;
            return;
        }

        HuffmanTable ac = c.AcTable!;
        for (int k = scan.SpectralStart; k <= scan.SpectralEnd; k++)
        {
            int rs = reader.Decode(ac);
            int s = rs & 15;
            int r = rs >> 4;
            if (s == 0)
            {
                if (r < 15)
                {
                    eobRun = (1 << r) - 1 + reader.Receive(r);
                    break;
                }

                k += 15;
                continue;
            }

            k += r;
            if (k > 63)
            {
                throw new InvalidImageException("JPEG progressive block data runs past coefficient 63 (corrupt entropy-coded data).");
            }

            block[ZigZag[k]] = (short)(reader.ReceiveExtend(s) * (1 << scan.SuccessiveLow));
        }
    }

    public static void DecodeAcRefine(ref JpegBitReader reader, JpegComponent c, scoped Span<short> block, JpegScan scan, ref int eobRun)
    {
        int p1 = 1 << scan.SuccessiveLow;
        int m1 = -1 << scan.SuccessiveLow;
        int k = scan.SpectralStart;
        int end = scan.SpectralEnd;
        if (eobRun <= 0)
        {
            HuffmanTable ac = c.AcTable!;
            for (; k <= end; k++)
            {
                int rs = reader.Decode(ac);
                int s = rs & 15;
                int r = rs >> 4;
                if (s != 0)
                {
                    // Only magnitude 1 is legal here; libjpeg treats anything else the same way.
                    s = reader.ReadBit() != 0 ? p1 : m1;
                }
                else if (r != 15)
                {
                    eobRun = (1 << r) + reader.Receive(r);
                    break;
                }

                // Skip r zero coefficients (refining the non-zero ones passed on the way), then place s.
                do
                {
                    int z = ZigZag[k];
                    if (block[z] != 0)
                    {
                        Refine(ref reader, ref block[z], p1, m1);
                    }
                    else if (--r < 0)
                    {
                        break;
                    }

                    k++;
                }
                while (k <= end);

                if (s != 0 && k < 64)
                {
                    block[ZigZag[k]] = (short)s;
                }
            }
        }

        if (eobRun > 0)
        {
            for (; k <= end; k++)
            {
                int z = ZigZag[k];
                if (block[z] != 0)
                {
                    Refine(ref reader, ref block[z], p1, m1);
                }
            }

            eobRun--;
        }
    }

    private static void Refine(ref JpegBitReader reader, ref short coefficient, int p1, int m1)
    {
        if (reader.ReadBit() != 0 && (coefficient & p1) == 0)
        {
            coefficient += (short)(coefficient >= 0 ? p1 : m1);
        }
    }
}
