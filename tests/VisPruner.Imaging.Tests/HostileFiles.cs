using System.Buffers.Binary;

namespace VisPruner.Imaging.Tests;

/// <summary>Crafted files a normal encoder would never write: headers that lie about the size, bombs, huge metadata.</summary>
internal static class HostileFiles
{
    /// <summary>A PNG whose IHDR declares <paramref name="width"/> x <paramref name="height"/>, with a token IDAT.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height, byte depth = 8, byte colorType = 2) =>
        PngBuilder.Build(("IHDR", PngBuilder.Header(width, height, depth, colorType)), ("IDAT", PngBuilder.Zlib(new byte[16])), ("IEND", []));

    /// <summary>A real JPEG fixture with its frame header patched to declare another size; the scan data stays tiny.</summary>
    public static byte[] JpegClaiming(string fixture, ushort width, ushort height)
    {
        byte[] jpeg = Fixture.Image(fixture);
        int sof = IndexOfMarker(jpeg, 0xC0, 0xC2);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), width);
        return jpeg;
    }

    /// <summary>A GIF whose screen and only frame declare <paramref name="width"/> x <paramref name="height"/> and whose
    /// image data stops after a few codes.</summary>
    public static byte[] GifHeaderOnly(ushort width, ushort height)
    {
        var gif = new List<byte>("GIF89a"u8.ToArray());
        gif.AddRange(LittleEndian16(width));
        gif.AddRange(LittleEndian16(height));
        gif.AddRange([0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // global palette of two entries: black, white
        gif.AddRange([0x2C, 0, 0, 0, 0, .. LittleEndian16(width), .. LittleEndian16(height), 0]);
        gif.AddRange([2, 2, 0x4C, 0x01]); // minimum code size 2, then one sub-block and no terminator
        return [.. gif];
    }

    /// <summary>A 24-bit BMP header declaring <paramref name="width"/> x <paramref name="height"/>, with no pixel data.</summary>
    public static byte[] BmpHeaderOnly(int width, int height)
    {
        byte[] bmp = new byte[54];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(2), (uint)bmp.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    /// <summary>A lossy WebP (VP8) whose frame header declares <paramref name="width"/> x <paramref name="height"/>
    /// (at most 16383) and whose partitions are missing.</summary>
    public static byte[] WebPHeaderOnly(ushort width, ushort height)
    {
        byte[] vp8 = [0x50, 0x01, 0x00, 0x9D, 0x01, 0x2A, .. LittleEndian16(width), .. LittleEndian16(height), 0, 0];
        byte[] file = [.. "RIFF"u8, 0, 0, 0, 0, .. "WEBPVP8 "u8, .. LittleEndian32((uint)vp8.Length), .. vp8];
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        return file;
    }

    /// <summary>A 4x4 PNG whose IDAT inflates to <paramref name="inflatedBytes"/> of zeros.</summary>
    public static byte[] PngZlibBomb(int inflatedBytes) =>
        PngBuilder.Build(("IHDR", PngBuilder.Header(4, 4)), ("IDAT", PngBuilder.Zlib(new byte[inflatedBytes])), ("IEND", []));

    /// <summary>A valid PNG fixture with an iCCP chunk of <paramref name="profileBytes"/> (compressed zeros) before its pixels.</summary>
    public static byte[] PngWithHugeIccProfile(int profileBytes)
    {
        byte[] png = Fixture.Image("png_rgb8.png");
        byte[] iccp = [.. "huge\0"u8, 0, .. PngBuilder.Zlib(new byte[profileBytes])];
        byte[] chunk = PngBuilder.Build(("iCCP", iccp))[8..];
        return [.. png.AsSpan(0, 33), .. chunk, .. png.AsSpan(33)]; // after the signature and IHDR
    }

    /// <summary>A JPEG fixture with <paramref name="segments"/> maximal APP2 ICC_PROFILE segments after SOI.</summary>
    public static byte[] JpegWithHugeIccProfile(int segments)
    {
        byte[] jpeg = Fixture.Image("jpeg_420.jpg");
        using var output = new MemoryStream();
        output.Write(jpeg, 0, 2);
        byte[] body = new byte[65533];
        "ICC_PROFILE\0"u8.CopyTo(body);
        for (int i = 0; i < segments; i++)
        {
            body[12] = (byte)(i + 1);
            body[13] = (byte)segments;
            output.Write([0xFF, 0xE2, 0xFF, 0xFF]);
            output.Write(body);
        }

        output.Write(jpeg, 2, jpeg.Length - 2);
        return output.ToArray();
    }

    public static int IndexOfMarker(byte[] data, params byte[] markers)
    {
        for (int i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] == 0xFF && markers.Contains(data[i + 1]))
            {
                return i;
            }
        }

        throw new InvalidOperationException("marker not found");
    }

    private static byte[] LittleEndian16(ushort value) => [(byte)value, (byte)(value >> 8)];

    private static byte[] LittleEndian32(uint value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)];
}
