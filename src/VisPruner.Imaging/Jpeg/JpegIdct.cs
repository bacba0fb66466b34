namespace VisPruner.Imaging.Jpeg;

/// <summary>
/// The accurate integer inverse DCT (Loeffler-Ligtenberg-Moschytz with 13-bit constants, two guard bits between
/// passes): the arithmetic libjpeg's default ISLOW method uses, so output matches libjpeg-turbo sample for sample.
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;
    private const int Fix0298631336 = 2446;
    private const int Fix0390180644 = 3196;
    private const int Fix0541196100 = 4433;
    private const int Fix0765366865 = 6270;
    private const int Fix0899976223 = 7373;
    private const int Fix1175875602 = 9633;
    private const int Fix1501321110 = 12299;
    private const int Fix1847759065 = 15137;
    private const int Fix1961570560 = 16069;
    private const int Fix2053119869 = 16819;
    private const int Fix2562915447 = 20995;
    private const int Fix3072711026 = 25172;

    /// <summary>
    /// Dequantises <paramref name="coefficients"/> (natural order) and writes 8x8 samples; <paramref name="workspace"/>
    /// is 72 ints of scratch (64 between the passes, 8 for one row).
    /// </summary>
    public static void Transform(ReadOnlySpan<short> coefficients, ReadOnlySpan<ushort> quant, Span<byte> output, int stride, Span<int> workspace)
    {
        coefficients = coefficients[..64];
        quant = quant[..64];
        Span<int> ws = workspace[..64];
        Span<int> row = workspace.Slice(64, 8);
        for (int c = 0; c < 8; c++)
        {
            if (coefficients[8 + c] == 0 && coefficients[16 + c] == 0 && coefficients[24 + c] == 0 && coefficients[32 + c] == 0
                && coefficients[40 + c] == 0 && coefficients[48 + c] == 0 && coefficients[56 + c] == 0)
            {
                // DC-only column: the full computation reduces to this exactly.
                int dc = coefficients[c] * quant[c] << Pass1Bits;
                for (int r = 0; r < 64; r += 8)
                {
                    ws[r + c] = dc;
                }

                continue;
            }

            Butterfly(
                coefficients[c] * quant[c], coefficients[8 + c] * quant[8 + c], coefficients[16 + c] * quant[16 + c], coefficients[24 + c] * quant[24 + c],
                coefficients[32 + c] * quant[32 + c], coefficients[40 + c] * quant[40 + c], coefficients[48 + c] * quant[48 + c], coefficients[56 + c] * quant[56 + c],
                ConstBits - Pass1Bits, row);
            for (int r = 0; r < 8; r++)
            {
                ws[(r * 8) + c] = row[r];
            }
        }

        for (int r = 0; r < 8; r++)
        {
            ReadOnlySpan<int> w = ws.Slice(r * 8, 8);
            Span<byte> o = output.Slice(r * stride, 8);
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                o.Fill(Clamp((w[0] + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3)));
                continue;
            }

            Butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], ConstBits + Pass1Bits + 3, row);
            for (int i = 0; i < 8; i++)
            {
                o[i] = Clamp(row[i]);
            }
        }
    }

    private static byte Clamp(int value) => (uint)(value + 128) <= 255 ? (byte)(value + 128) : value < 0 ? (byte)0 : (byte)255;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7, int shift, Span<int> output)
    {
        output = output[..8];
        // Even part.
        int z1 = (x2 + x6) * Fix0541196100;
        int tmp2 = z1 - (x6 * Fix1847759065);
        int tmp3 = z1 + (x2 * Fix0765366865);
        int tmp0 = (x0 + x4) << ConstBits;
        int tmp1 = (x0 - x4) << ConstBits;
        int tmp10 = tmp0 + tmp3;
        int tmp13 = tmp0 - tmp3;
        int tmp11 = tmp1 + tmp2;
        int tmp12 = tmp1 - tmp2;

        // Odd part.
        tmp0 = x7;
        tmp1 = x5;
        tmp2 = x3;
        tmp3 = x1;
        z1 = tmp0 + tmp3;
        int z2 = tmp1 + tmp2;
        int z3 = tmp0 + tmp2;
        int z4 = tmp1 + tmp3;
        int z5 = (z3 + z4) * Fix1175875602;
        tmp0 *= Fix0298631336;
        tmp1 *= Fix2053119869;
        tmp2 *= Fix3072711026;
        tmp3 *= Fix1501321110;
        z1 *= -Fix0899976223;
        z2 *= -Fix2562915447;
        z3 = (z3 * -Fix1961570560) + z5;
        z4 = (z4 * -Fix0390180644) + z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;

        int round = 1 << (shift - 1);
        output[0] = (tmp10 + tmp3 + round) >> shift;
        output[7] = (tmp10 - tmp3 + round) >> shift;
        output[1] = (tmp11 + tmp2 + round) >> shift;
        output[6] = (tmp11 - tmp2 + round) >> shift;
        output[2] = (tmp12 + tmp1 + round) >> shift;
        output[5] = (tmp12 - tmp1 + round) >> shift;
        output[3] = (tmp13 + tmp0 + round) >> shift;
        output[4] = (tmp13 - tmp0 + round) >> shift;
    }
}
