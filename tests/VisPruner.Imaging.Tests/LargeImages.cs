using System.IO.Compression;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Valid single-colour images of any size, written directly so that 100-megapixel inputs cost little to make: the
/// decoders still do all their per-pixel work on them, and allocate what any image of that size needs.
/// </summary>
internal static class LargeImages
{
    /// <summary>A black 8-bit RGB PNG; Adam7-interlaced when <paramref name="interlaced"/>.</summary>
    public static byte[] FlatPng(int width, int height, bool interlaced)
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            byte[] row = new byte[1 + (3 * width)]; // filter type 0, then black pixels
            if (!interlaced)
            {
                WriteRows(zlib, row, height);
            }
            else
            {
                // Adam7 passes as (x start, y start, x step, y step): each pass is a smaller image of its own.
                foreach ((int x0, int y0, int dx, int dy) in new[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) })
                {
                    int passWidth = (width - x0 + dx - 1) / dx, passHeight = (height - y0 + dy - 1) / dy;
                    if (passWidth > 0)
                    {
                        WriteRows(zlib, row.AsSpan(0, 1 + (3 * passWidth)), passHeight);
                    }
                }
            }
        }

        byte[] header = PngBuilder.Header((uint)width, (uint)height);
        header[12] = interlaced ? (byte)1 : (byte)0;
        return PngBuilder.Build(("IHDR", header), ("IDAT", idat.ToArray()), ("IEND", []));
    }

    /// <summary>
    /// A mid-grey JPEG with 1x1 sampling and <paramref name="components"/> components (3: YCbCr, 4: CMYK). Baseline:
    /// every block codes DC difference 0 and end-of-block, two one-bit codes. Progressive: a single DC scan of
    /// one-bit codes (the AC coefficients are never sent, so they stay zero), which still makes libjpeg keep the
    /// whole image's coefficients in memory.
    /// </summary>
    public static byte[] FlatJpeg(int width, int height, int components, bool progressive)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        Segment(jpeg, 0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]); // one quantisation table of ones
        byte[] frame = [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)components];
        for (int c = 0; c < components; c++)
        {
            frame = [.. frame, (byte)(c + 1), 0x11, 0];
        }

        Segment(jpeg, progressive ? (byte)0xC2 : (byte)0xC0, frame);
        byte[] oneSymbolTable = [1, .. new byte[15], 0]; // a single code of length 1, for symbol 0
        Segment(jpeg, 0xC4, [0x00, .. oneSymbolTable]); // DC table 0: difference category 0
        if (!progressive)
        {
            Segment(jpeg, 0xC4, [0x10, .. oneSymbolTable]); // AC table 0: end of block
        }

        byte[] scan = [(byte)components];
        for (int c = 0; c < components; c++)
        {
            scan = [.. scan, (byte)(c + 1), 0x00];
        }

        Segment(jpeg, 0xDA, [.. scan, 0, progressive ? (byte)0 : (byte)63, 0]);
        long blocks = ((width + 7L) / 8) * ((height + 7L) / 8) * components;
        long bits = blocks * (progressive ? 1 : 2);
        jpeg.Write(new byte[(bits + 7) / 8]); // every code is a 0 bit (zero bytes need no stuffing)
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    private static void WriteRows(Stream output, ReadOnlySpan<byte> row, int count)
    {
        for (int y = 0; y < count; y++)
        {
            output.Write(row);
        }
    }

    private static void Segment(Stream output, byte marker, byte[] body)
    {
        output.Write([0xFF, marker, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2)]);
        output.Write(body);
    }
}
