namespace VisPruner.Imaging;

/// <summary>Limits and behaviour for <see cref="ImageDecoder"/>.</summary>
public sealed class ImageDecoderOptions
{
    /// <summary>Default options: 100 megapixel limit, EXIF orientation applied.</summary>
    public static ImageDecoderOptions Default { get; } = new();

    /// <summary>
    /// Largest accepted <c>width * height</c>. Checked against the header before any pixel buffer is allocated,
    /// so a tiny file cannot claim a huge canvas. Default 100,000,000.
    /// </summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Whether an EXIF orientation tag (JPEG APP1, PNG eXIf) rotates/flips the output upright. Default <see langword="true"/>.</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    internal void CheckDimensions(long width, long height, string format)
    {
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException($"{format} header declares an empty image ({width}x{height}).");
        }

        if (width * height > MaxPixels)
        {
            throw new InvalidImageException(
                $"{format} image is {width}x{height} = {width * height} pixels, above the limit of {MaxPixels} (ImageDecoderOptions.MaxPixels).");
        }

        if (width * height * 3 > Array.MaxLength)
        {
            throw new InvalidImageException($"{format} image is {width}x{height}: its RGB samples would not fit in one buffer.");
        }
    }
}
