using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace VisPruner.Imaging.Png;

/// <summary>PNG decoder: every colour type and bit depth, Adam7 interlacing, CRC-checked chunks, eXIf orientation.</summary>
internal static class PngDecoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Adam7 passes: x start, y start, x step, y step.
    private static ReadOnlySpan<byte> Adam7 =>
    [
        0, 0, 8, 8,
        4, 0, 8, 8,
        0, 4, 4, 8,
        2, 0, 4, 4,
        0, 2, 2, 4,
        1, 0, 2, 2,
        0, 1, 1, 2,
    ];

    public static bool HasSignature(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecoderOptions options)
    {
        PngHeader? header = null;
        byte[]? palette = null;
        int orientation = 1;
        using var idat = new MemoryStream();
        int pos = Signature.Length;
        while (true)
        {
            if (data.Length - pos < 12)
            {
                if (header is not null && idat.Length > 0)
                {
                    break; // Missing IEND: decode what is there; a short IDAT stream still fails below.
                }

                throw new InvalidImageException("PNG file is truncated: a chunk header is incomplete.");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            if (length > int.MaxValue || length > data.Length - pos - 12)
            {
                throw new InvalidImageException($"PNG chunk at offset {pos} declares {length} bytes, beyond the end of the file (truncated or corrupt).");
            }

            ReadOnlySpan<byte> type = data.Slice(pos + 4, 4);
            ReadOnlySpan<byte> body = data.Slice(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            if (Crc32.Compute(type, body) != crc)
            {
                throw new InvalidImageException($"PNG chunk '{ChunkName(type)}' at offset {pos} fails its CRC check.");
            }

            pos += 12 + (int)length;
            if (header is null && !type.SequenceEqual("IHDR"u8))
            {
                throw new InvalidImageException("PNG file does not start with an IHDR chunk.");
            }

            if (type.SequenceEqual("IHDR"u8))
            {
                if (header is not null)
                {
                    throw new InvalidImageException("PNG file has more than one IHDR chunk.");
                }

                header = PngHeader.Parse(body);
                options.CheckDimensions(header.Value.Width, header.Value.Height, "PNG");
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                if (length % 3 != 0 || length == 0 || length > 768)
                {
                    throw new InvalidImageException($"PNG PLTE chunk has {length} bytes; a multiple of 3 up to 768 expected.");
                }

                palette = body.ToArray();
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(body);
            }
            else if (type.SequenceEqual("eXIf"u8))
            {
                orientation = ExifOrientationReader.ReadTiff(body);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            else if ((type[0] & 0x20) == 0)
            {
                throw new InvalidImageException($"PNG file has an unknown critical chunk '{ChunkName(type)}'.");
            }
        }

        PngHeader h = header!.Value;
        if (h.ColorType == PngColorType.Palette && palette is null)
        {
            throw new InvalidImageException("PNG palette image has no PLTE chunk.");
        }

        if (idat.Length == 0)
        {
            throw new InvalidImageException("PNG file has no IDAT data.");
        }

        long rawLength = RawLength(h);
        if (rawLength > Array.MaxLength)
        {
            throw new InvalidImageException($"PNG image needs {rawLength} bytes of scanlines, more than one buffer can hold.");
        }

        byte[] raw = ArrayPool<byte>.Shared.Rent((int)rawLength);
        try
        {
            Inflate(idat, raw.AsSpan(0, (int)rawLength));
            var image = new RgbImage(h.Width, h.Height);
            Reconstruct(h, palette, raw.AsSpan(0, (int)rawLength), image);
            return options.ApplyExifOrientation ? ImageOrientation.Apply(image, orientation) : image;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            chars[i] = type[i] is >= 0x20 and < 0x7F ? (char)type[i] : '?';
        }

        return new string(chars);
    }

    /// <summary>Scanline bytes (filter byte + packed samples per row) over all passes.</summary>
    private static long RawLength(PngHeader h)
    {
        if (!h.Interlaced)
        {
            return h.Height * (1 + h.RowBytes(h.Width));
        }

        long total = 0;
        for (int pass = 0; pass < 7; pass++)
        {
            (int w, int hh) = PassSize(h, pass);
            if (w > 0 && hh > 0)
            {
                total += hh * (1 + h.RowBytes(w));
            }
        }

        return total;
    }

    private static (int Width, int Height) PassSize(PngHeader h, int pass)
    {
        int x0 = Adam7[pass * 4], y0 = Adam7[(pass * 4) + 1], dx = Adam7[(pass * 4) + 2], dy = Adam7[(pass * 4) + 3];
        return ((h.Width - x0 + dx - 1) / dx, (h.Height - y0 + dy - 1) / dy);
    }

    /// <summary>
    /// Inflates exactly the bytes the header implies. Reading stops there, so a zlib bomb costs no more
    /// memory or time than a legitimate image of the declared size.
    /// </summary>
    private static void Inflate(MemoryStream compressed, Span<byte> destination)
    {
        compressed.Position = 0;
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            int filled = 0;
            while (filled < destination.Length)
            {
                int n = zlib.Read(destination[filled..]);
                if (n == 0)
                {
                    throw new InvalidImageException(
                        $"PNG image data inflates to {filled} bytes; the header requires {destination.Length} (truncated or corrupt IDAT).");
                }

                filled += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidImageException($"PNG IDAT stream is not valid zlib data: {e.Message}", e);
        }
    }

    private static void Reconstruct(PngHeader h, byte[]? palette, Span<byte> raw, RgbImage image)
    {
        int stride = h.FilterStride;
        int offset = 0;
        for (int pass = 0; pass < (h.Interlaced ? 7 : 1); pass++)
        {
            (int w, int passHeight) = h.Interlaced ? PassSize(h, pass) : (h.Width, h.Height);
            if (w <= 0 || passHeight <= 0)
            {
                continue;
            }

            int x0 = h.Interlaced ? Adam7[pass * 4] : 0;
            int y0 = h.Interlaced ? Adam7[(pass * 4) + 1] : 0;
            int dx = h.Interlaced ? Adam7[(pass * 4) + 2] : 1;
            int dy = h.Interlaced ? Adam7[(pass * 4) + 3] : 1;
            int rowBytes = (int)h.RowBytes(w);
            byte[] zeros = ArrayPool<byte>.Shared.Rent(rowBytes);
            try
            {
                Array.Clear(zeros, 0, rowBytes);
                ReadOnlySpan<byte> previous = zeros.AsSpan(0, rowBytes);
                for (int y = 0; y < passHeight; y++)
                {
                    Span<byte> row = raw.Slice(offset + 1, rowBytes);
                    PngFilters.Unfilter(raw[offset], row, previous, stride);
                    PngPixelConverter.ToRgb(h, palette, row, image.GetRow(y0 + (y * dy)), x0, dx, w);
                    previous = row;
                    offset += rowBytes + 1;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(zeros);
            }
        }
    }
}
