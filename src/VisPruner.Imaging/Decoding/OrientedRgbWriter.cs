namespace VisPruner.Imaging.Decoding;

/// <summary>
/// Receives decoded RGBA rows (unpremultiplied) and writes them into the output <see cref="RgbImage"/>: alpha dropped
/// as Pillow's <c>convert("RGB")</c> drops it, and the EXIF orientation applied on the way, as Pillow's
/// <c>exif_transpose</c> would (2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 270, 7 transverse, 8 rotate 90),
/// so no second full-size buffer is needed to turn the image upright.
/// </summary>
internal sealed class OrientedRgbWriter
{
    private readonly int _width;
    private readonly int _height;
    private readonly int _orientation;
    private RgbImage? _image;

    /// <param name="width">Width of the stored (decoded) rows.</param>
    /// <param name="height">Number of stored rows.</param>
    /// <param name="orientation">EXIF orientation 1..8; anything else is treated as 1.</param>
    public OrientedRgbWriter(int width, int height, int orientation)
    {
        _width = width;
        _height = height;
        _orientation = orientation is >= 2 and <= 8 ? orientation : 1;
    }

    /// <summary>The output. Allocated at the first row written, so a file that fails before yielding any row never
    /// costs the full-size buffer.</summary>
    public RgbImage Image => _image ?? throw new InvalidOperationException("No row has been written.");

    /// <summary>Writes stored row <paramref name="y"/> (<c>width * 4</c> bytes of RGBA).</summary>
    public void WriteRow(int y, ReadOnlySpan<byte> rgba)
    {
        _image ??= Allocate();
        Span<byte> output = _image.Pixels;
        (long start, long step) = Placement(y);
        if (step == 3)
        {
            DropAlpha(rgba, output.Slice((int)start, _width * 3));
            return;
        }

        long at = start;
        for (int x = 0; x < _width; x++, at += step)
        {
            int d = (int)at;
            output[d] = rgba[4 * x];
            output[d + 1] = rgba[(4 * x) + 1];
            output[d + 2] = rgba[(4 * x) + 2];
        }
    }

    /// <summary>Where stored pixel (0, <paramref name="y"/>) lands in the output, and the distance in bytes between
    /// the landing places of consecutive pixels of the row.</summary>
    private (long Start, long Step) Placement(long y)
    {
        long w = _width, h = _height;
        return _orientation switch
        {
            2 => (((y * w) + w - 1) * 3, -3), // mirrored: the row runs right to left
            3 => ((((h - 1 - y) * w) + w - 1) * 3, -3),
            4 => ((h - 1 - y) * w * 3, 3),
            5 => (y * 3, 3 * h), // transposed: stored rows become output columns
            6 => ((h - 1 - y) * 3, 3 * h),
            7 => ((((w - 1) * h) + h - 1 - y) * 3, -3 * h),
            8 => ((((w - 1) * h) + y) * 3, -3 * h),
            _ => (y * w * 3, 3),
        };
    }

    private RgbImage Allocate()
    {
        (int width, int height) = _orientation >= 5 ? (_height, _width) : (_width, _height);

        // Every byte is written before the image is returned, so the runtime need not zero it first.
        return new RgbImage(width, height, GC.AllocateUninitializedArray<byte>(width * height * 3));
    }

    private static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        for (int x = 0, s = 0; x < rgb.Length; x += 3, s += 4)
        {
            rgb[x] = rgba[s];
            rgb[x + 1] = rgba[s + 1];
            rgb[x + 2] = rgba[s + 2];
        }
    }
}
