using VisPruner.Imaging.Decoding;

namespace VisPruner.Imaging;

/// <summary>Limits and behaviour for <see cref="ImageDecoder"/>. Every limit is checked before any pixel buffer is allocated.</summary>
public sealed class ImageDecoderOptions
{
    /// <summary>Default options: 100 megapixels, aspect ratio up to 100:1, 128 MiB of encoded data, EXIF orientation applied.</summary>
    public static ImageDecoderOptions Default { get; } = new();

    /// <summary>
    /// Largest accepted <c>width * height</c>, checked against the header, so a tiny file cannot claim a huge canvas.
    /// Default 100,000,000 (a 100-megapixel camera image).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxPixels
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 100_000_000;

    /// <summary>
    /// Largest accepted ratio of the longer side to the shorter one. Default 100: panoramas (about 12:1), banners
    /// (about 11:1), long scrolling screenshots and tightly cropped single lines of text (often 30:1 to 80:1) pass,
    /// while degenerate files such as 100,000,000 x 1, which pack a huge canvas into a few kilobytes and carry no
    /// picture, are refused. Phi-3.5-vision's HD transform puts at most 16 crops in a row, so at 100:1 the short side
    /// still gets about 54 of the canvas' 5376 pixels.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or not a number.</exception>
    public double MaxAspectRatio
    {
        get;
        init
        {
            if (!(value >= 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The aspect ratio limit must be at least 1.");
            }

            field = value;
        }
    } = 100.0;

    /// <summary>
    /// Largest accepted file, in bytes. Default 128 MiB: JPEG and WebP files at <see cref="MaxPixels"/> are far smaller;
    /// a PNG of a 100-megapixel photograph can be larger, so raise the limit to accept those.
    /// <see cref="ImageDecoder.DecodeAsync"/> and <see cref="ImageDecoder.DecodeFileAsync"/> stop reading past it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxEncodedBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 128L << 20;

    /// <summary>Whether an EXIF orientation tag (JPEG APP1, PNG eXIf, WebP EXIF) rotates/flips the output upright. Default <see langword="true"/>.</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    internal void CheckEncodedLength(long length)
    {
        if (length > MaxEncodedBytes)
        {
            throw new ImageLimitExceededException(
                $"The image file is {length:N0} bytes, above the limit of {MaxEncodedBytes:N0} (ImageDecoderOptions.MaxEncodedBytes).",
                nameof(MaxEncodedBytes));
        }
    }

    internal void CheckDimensions(ImageFormat format, long width, long height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException($"{format.DisplayName()} header declares an empty image ({width}x{height}).");
        }

        long pixels = width * height;
        if (pixels > MaxPixels)
        {
            throw new ImageLimitExceededException(
                $"{format.DisplayName()} image is {width}x{height} = {pixels:N0} pixels, above the limit of {MaxPixels:N0} (ImageDecoderOptions.MaxPixels).",
                nameof(MaxPixels));
        }

        long longSide = Math.Max(width, height), shortSide = Math.Min(width, height);
        if (longSide > MaxAspectRatio * shortSide)
        {
            throw new ImageLimitExceededException(
                $"{format.DisplayName()} image is {width}x{height}, an aspect ratio of {(double)longSide / shortSide:0.#}:1, beyond the limit of {MaxAspectRatio:0.#}:1 (ImageDecoderOptions.MaxAspectRatio).",
                nameof(MaxAspectRatio));
        }

        // Intrinsic limits whatever the options say: one .NET array of RGB samples, and Skia's 32-bit row stride.
        if (pixels * 3 > Array.MaxLength || width * 4 > int.MaxValue)
        {
            throw new InvalidImageException($"{format.DisplayName()} image is {width}x{height}: its pixels would not fit in one buffer.");
        }
    }
}
