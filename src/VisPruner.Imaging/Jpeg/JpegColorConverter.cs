using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VisPruner.Imaging.Jpeg;

/// <summary>
/// Produces the RGB image from the component planes: libjpeg's fixed-point YCbCr conversion (16 fraction bits),
/// and for CMYK/YCCK Pillow's Adobe-polarity inversion followed by its multiplicative CMYK-to-RGB formula.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);
    private static readonly int[] CrToR = Table(1.40200, Half);
    private static readonly int[] CbToB = Table(1.77200, Half);
    private static readonly int[] CrToG = Table(-0.71414, Half, shift: false);
    private static readonly int[] CbToG = Table(-0.34414, 0, shift: false);

    public static RgbImage ToRgb(JpegFrame frame, JpegColorSpace space)
    {
        int width = frame.Width;
        var image = new RgbImage(width, frame.Height, GC.AllocateUninitializedArray<byte>(checked(width * frame.Height * 3))); // every sample is written below
        JpegComponent[] components = frame.Components;
        int n = components.Length;
        int scratchWidth = (components.Max(c => c.Width) * 4) + 8;
        byte[] scratch = new byte[scratchWidth * n];
        Span<byte> pixels = image.Pixels;
        for (int y = 0; y < frame.Height; y++)
        {
            ReadOnlySpan<byte> c0 = JpegUpsampler.Row(frame, components[0], y, scratch.AsSpan(0, scratchWidth));
            ReadOnlySpan<byte> c1 = n > 1 ? JpegUpsampler.Row(frame, components[1], y, scratch.AsSpan(scratchWidth, scratchWidth)) : default;
            ReadOnlySpan<byte> c2 = n > 2 ? JpegUpsampler.Row(frame, components[2], y, scratch.AsSpan(2 * scratchWidth, scratchWidth)) : default;
            ReadOnlySpan<byte> c3 = n > 3 ? JpegUpsampler.Row(frame, components[3], y, scratch.AsSpan(3 * scratchWidth, scratchWidth)) : default;
            Span<byte> row = pixels.Slice(y * width * 3, width * 3);
            switch (space)
            {
                case JpegColorSpace.Grayscale:
                    for (int x = 0; x < width; x++)
                    {
                        row[3 * x] = row[(3 * x) + 1] = row[(3 * x) + 2] = c0[x];
                    }

                    break;
                case JpegColorSpace.Rgb:
                    for (int x = 0; x < width; x++)
                    {
                        row[3 * x] = c0[x];
                        row[(3 * x) + 1] = c1[x];
                        row[(3 * x) + 2] = c2[x];
                    }

                    break;
                case JpegColorSpace.YCbCr:
                    YCbCrRow(c0[..width], c1, c2, row);
                    break;
                default:
                    CmykRow(c0[..width], c1, c2, c3, space == JpegColorSpace.Ycck, row);
                    break;
            }
        }

        return image;
    }

    private static void YCbCrRow(ReadOnlySpan<byte> yRow, ReadOnlySpan<byte> cbRow, ReadOnlySpan<byte> crRow, Span<byte> row)
    {
        // Hot loop over every pixel: lengths are checked once, then references avoid per-sample bounds checks.
        int n = yRow.Length;
        if (cbRow.Length < n || crRow.Length < n || row.Length < 3 * n)
        {
            throw new ArgumentException("Component rows are shorter than the image row.");
        }

        ref byte y0 = ref MemoryMarshal.GetReference(yRow);
        ref byte cb0 = ref MemoryMarshal.GetReference(cbRow);
        ref byte cr0 = ref MemoryMarshal.GetReference(crRow);
        ref byte out0 = ref MemoryMarshal.GetReference(row);
        ref int crToR = ref MemoryMarshal.GetArrayDataReference(CrToR);
        ref int cbToB = ref MemoryMarshal.GetArrayDataReference(CbToB);
        ref int crToG = ref MemoryMarshal.GetArrayDataReference(CrToG);
        ref int cbToG = ref MemoryMarshal.GetArrayDataReference(CbToG);
        for (int x = 0; x < n; x++)
        {
            int yy = Unsafe.Add(ref y0, x);
            int cb = Unsafe.Add(ref cb0, x);
            int cr = Unsafe.Add(ref cr0, x);
            ref byte o = ref Unsafe.Add(ref out0, 3 * x);
            o = Clamp(yy + Unsafe.Add(ref crToR, cr));
            Unsafe.Add(ref o, 1) = Clamp(yy + ((Unsafe.Add(ref cbToG, cb) + Unsafe.Add(ref crToG, cr)) >> ScaleBits));
            Unsafe.Add(ref o, 2) = Clamp(yy + Unsafe.Add(ref cbToB, cb));
        }
    }

    private static void CmykRow(ReadOnlySpan<byte> c0, ReadOnlySpan<byte> c1, ReadOnlySpan<byte> c2, ReadOnlySpan<byte> c3, bool ycck, Span<byte> row)
    {
        for (int x = 0; x < c0.Length; x++)
        {
            int c = c0[x], m = c1[x], yellow = c2[x];
            if (ycck)
            {
                // YCCK stores inverted CMY as YCbCr.
                int yy = c;
                int cb = m;
                int cr = yellow;
                c = 255 - Clamp(yy + CrToR[cr]);
                m = 255 - Clamp(yy + ((CbToG[cb] + CrToG[cr]) >> ScaleBits));
                yellow = 255 - Clamp(yy + CbToB[cb]);
            }

            // Adobe files store CMYK inverted, so the stored K is already "255 - K".
            int notK = c3[x];
            row[3 * x] = Clamp(notK - MulDiv255(255 - c, notK));
            row[(3 * x) + 1] = Clamp(notK - MulDiv255(255 - m, notK));
            row[(3 * x) + 2] = Clamp(notK - MulDiv255(255 - yellow, notK));
        }
    }

    private static int MulDiv255(int a, int b)
    {
        int t = (a * b) + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static byte Clamp(int v) => (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;

    private static int[] Table(double factor, int bias, bool shift = true)
    {
        var table = new int[256];
        int fixedFactor = (int)((factor * (1 << ScaleBits)) + (factor < 0 ? -0.5 : 0.5));
        for (int i = 0; i < 256; i++)
        {
            int v = (fixedFactor * (i - 128)) + bias;
            table[i] = shift ? v >> ScaleBits : v;
        }

        return table;
    }
}
