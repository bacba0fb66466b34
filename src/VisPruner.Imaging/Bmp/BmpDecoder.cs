using System.Buffers.Binary;
using System.Numerics;

namespace VisPruner.Imaging.Bmp;

/// <summary>
/// Windows bitmap decoder: uncompressed 1/4/8-bit palette, 16/24/32-bit direct colour, BI_BITFIELDS masks,
/// bottom-up or top-down rows. RLE compression is rejected.
/// </summary>
internal static class BmpDecoder
{
    private const int BiRgb = 0;
    private const int BiBitfields = 3;

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecoderOptions options)
    {
        if (data.Length < 26)
        {
            throw new InvalidImageException("BMP file is truncated inside its headers.");
        }

        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        int dibSize = BinaryPrimitives.ReadInt32LittleEndian(data[14..]);
        bool core = dibSize == 12;
        if (!core && dibSize is not (40 or 52 or 56 or 64 or 108 or 124))
        {
            throw new InvalidImageException($"BMP info header size {dibSize} is not supported.");
        }

        if (data.Length < 14 + dibSize)
        {
            throw new InvalidImageException("BMP file is truncated inside its info header.");
        }

        ReadOnlySpan<byte> dib = data.Slice(14, dibSize);
        long width = core ? BinaryPrimitives.ReadUInt16LittleEndian(dib[4..]) : BinaryPrimitives.ReadInt32LittleEndian(dib[4..]);
        long height = core ? BinaryPrimitives.ReadUInt16LittleEndian(dib[6..]) : BinaryPrimitives.ReadInt32LittleEndian(dib[8..]);
        int bpp = BinaryPrimitives.ReadUInt16LittleEndian(dib[(core ? 10 : 14)..]);
        int compression = core ? BiRgb : BinaryPrimitives.ReadInt32LittleEndian(dib[16..]);
        bool topDown = height < 0;
        height = Math.Abs(height);
        options.CheckDimensions(width, height, "BMP");

        if (compression is not (BiRgb or BiBitfields) || (compression == BiBitfields && bpp is not (16 or 32)))
        {
            throw new InvalidImageException($"BMP compression {compression} with {bpp} bits per pixel is not supported.");
        }

        if (bpp is not (1 or 4 or 8 or 16 or 24 or 32))
        {
            throw new InvalidImageException($"BMP bit depth {bpp} is not supported.");
        }

        int w = (int)width, h = (int)height;
        long stride = (((long)w * bpp) + 31) / 32 * 4;
        if (pixelOffset > data.Length || stride * h > data.Length - pixelOffset)
        {
            throw new InvalidImageException($"BMP pixel data ({stride * h} bytes at offset {pixelOffset}) extends past the end of the file.");
        }

        int tableOffset = 14 + dibSize;
        uint[] masks = bpp == 16 ? [0x7C00, 0x03E0, 0x001F] : [0xFF0000, 0xFF00, 0xFF];
        if (compression == BiBitfields)
        {
            // Masks live in the info header (v2+) or right after a 40-byte one.
            ReadOnlySpan<byte> m = dibSize >= 52 ? dib[40..] : data.Length >= tableOffset + 12 ? data.Slice(tableOffset, 12) : throw new InvalidImageException("BMP bit-field masks are missing.");
            masks = [BinaryPrimitives.ReadUInt32LittleEndian(m), BinaryPrimitives.ReadUInt32LittleEndian(m[4..]), BinaryPrimitives.ReadUInt32LittleEndian(m[8..])];
            if (dibSize == 40)
            {
                tableOffset += 12;
            }
        }

        byte[] palette = bpp <= 8 ? ReadPalette(data, dib, core, tableOffset, bpp) : [];
        var image = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> src = data.Slice((int)(pixelOffset + (stride * y)), (int)stride);
            Span<byte> dst = image.GetRow(topDown ? y : h - 1 - y);
            if (bpp <= 8)
            {
                IndexedRow(src, dst, bpp, palette);
            }
            else if (bpp == 24)
            {
                for (int x = 0; x < w; x++)
                {
                    dst[3 * x] = src[(3 * x) + 2];
                    dst[(3 * x) + 1] = src[(3 * x) + 1];
                    dst[(3 * x) + 2] = src[3 * x];
                }
            }
            else
            {
                MaskedRow(src, dst, bpp, masks);
            }
        }

        return image;
    }

    private static byte[] ReadPalette(ReadOnlySpan<byte> data, ReadOnlySpan<byte> dib, bool core, int offset, int bpp)
    {
        int entrySize = core ? 3 : 4;
        int used = core ? 0 : BinaryPrimitives.ReadInt32LittleEndian(dib[32..]);
        int count = used is > 0 and <= 256 ? used : 1 << bpp;
        count = Math.Min(count, Math.Max(0, (data.Length - offset) / entrySize));
        if (count == 0)
        {
            throw new InvalidImageException("BMP palette image has no colour table.");
        }

        // Indices beyond the table read as black.
        byte[] palette = new byte[256 * 3];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> e = data.Slice(offset + (i * entrySize), 3);
            palette[3 * i] = e[2];
            palette[(3 * i) + 1] = e[1];
            palette[(3 * i) + 2] = e[0];
        }

        return palette;
    }

    private static void IndexedRow(ReadOnlySpan<byte> src, Span<byte> dst, int bpp, byte[] palette)
    {
        int width = dst.Length / 3;
        int mask = (1 << bpp) - 1;
        for (int x = 0; x < width; x++)
        {
            int bit = x * bpp;
            int index = (src[bit >> 3] >> (8 - bpp - (bit & 7))) & mask;
            palette.AsSpan(index * 3, 3).CopyTo(dst.Slice(x * 3, 3));
        }
    }

    private static void MaskedRow(ReadOnlySpan<byte> src, Span<byte> dst, int bpp, uint[] masks)
    {
        int width = dst.Length / 3;
        for (int x = 0; x < width; x++)
        {
            uint pixel = bpp == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * x)..]) : BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * x)..]);
            for (int c = 0; c < 3; c++)
            {
                dst[(3 * x) + c] = Extract(pixel, masks[c]);
            }
        }
    }

    private static byte Extract(uint pixel, uint mask)
    {
        if (mask == 0)
        {
            return 0;
        }

        int shift = BitOperations.TrailingZeroCount(mask);
        uint max = mask >> shift;
        uint value = (pixel & mask) >> shift;
        return (byte)((ulong)value * 255 / max);
    }
}
