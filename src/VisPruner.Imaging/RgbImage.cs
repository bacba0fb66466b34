namespace VisPruner.Imaging;

/// <summary>
/// A decoded image: 8-bit RGB samples, interleaved, rows top to bottom without padding.
/// </summary>
/// <remarks>Instances are not synchronised; share them read-only across threads.</remarks>
public sealed class RgbImage
{
    private readonly byte[] _pixels;

    /// <summary>Creates an image over an existing pixel buffer of exactly <c>width * height * 3</c> bytes.</summary>
    /// <param name="width">Width in pixels (at least 1).</param>
    /// <param name="height">Height in pixels (at least 1).</param>
    /// <param name="pixels">RGB samples, row-major, top row first.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    /// <exception cref="ArgumentException">The buffer length is not <c>width * height * 3</c>.</exception>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != (long)width * height * 3)
        {
            throw new ArgumentException($"Expected {(long)width * height * 3} bytes for a {width}x{height} RGB image, got {pixels.LongLength}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        _pixels = pixels;
    }

    /// <summary>Creates a black image.</summary>
    /// <param name="width">Width in pixels (at least 1).</param>
    /// <param name="height">Height in pixels (at least 1).</param>
    public RgbImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>All samples: R, G, B for each pixel, rows top to bottom.</summary>
    public Span<byte> Pixels => _pixels;

    /// <summary>The samples of one row (<c>Width * 3</c> bytes).</summary>
    /// <param name="y">Row index, 0 at the top.</param>
    public Span<byte> GetRow(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return _pixels.AsSpan(y * Width * 3, Width * 3);
    }
}
