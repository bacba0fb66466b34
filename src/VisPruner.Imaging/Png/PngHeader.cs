namespace VisPruner.Imaging.Png;

/// <summary>The IHDR fields, validated.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    public int Channels => ColorType switch
    {
        PngColorType.Grayscale or PngColorType.Palette => 1,
        PngColorType.GrayscaleAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>Bytes per complete pixel for filtering (at least 1, as the PNG filter definition requires).</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    public static PngHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
        {
            throw new InvalidImageException($"PNG IHDR chunk has {data.Length} bytes; 13 expected.");
        }

        uint width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8];
        var colorType = (PngColorType)data[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new InvalidImageException($"PNG dimensions {width}x{height} are invalid.");
        }

        bool depthOk = colorType switch
        {
            PngColorType.Grayscale => depth is 1 or 2 or 4 or 8 or 16,
            PngColorType.Palette => depth is 1 or 2 or 4 or 8,
            PngColorType.Rgb or PngColorType.GrayscaleAlpha or PngColorType.Rgba => depth is 8 or 16,
            _ => throw new InvalidImageException($"PNG colour type {(int)colorType} is not defined."),
        };
        if (!depthOk)
        {
            throw new InvalidImageException($"PNG bit depth {depth} is not allowed for colour type {(int)colorType}.");
        }

        if (data[10] != 0 || data[11] != 0 || data[12] > 1)
        {
            throw new InvalidImageException("PNG IHDR declares an unknown compression, filter or interlace method.");
        }

        return new PngHeader((int)width, (int)height, depth, colorType, data[12] == 1);
    }
}

/// <summary>PNG colour types (IHDR byte 9).</summary>
internal enum PngColorType : byte
{
    Grayscale = 0,
    Rgb = 2,
    Palette = 3,
    GrayscaleAlpha = 4,
    Rgba = 6,
}
