namespace VisPruner.Imaging.Decoding;

/// <summary>
/// Rejects files too short to hold the pixels their header declares, before anything is allocated for them: a
/// 74-byte PNG or JPEG header claiming 10000x10000 would otherwise reserve the full output (and, for progressive JPEG,
/// libjpeg's zeroed coefficient buffer) before the decoder found the data missing.
/// </summary>
/// <remarks>
/// The bounds are the most a valid file can compress, so no real image is refused: deflate expands at most 1032-fold,
/// and a PNG row holds at least a filter byte and one bit per pixel; every 8x8 block of a JPEG's full-resolution
/// component carries at least a one-bit DC code. Other formats have no such simple bound (GIF frames can cover a
/// small part of the canvas, WebP codes skipped macroblocks in fractions of a bit) and rely on the pixel limits.
/// </remarks>
internal static class EncodedSizeCheck
{
    private const int DeflateMaxRatio = 1032;

    public static void Check(ImageFormat format, int width, int height, long encodedLength)
    {
        long minimum = format switch
        {
            ImageFormat.Png => height * (1 + ((width + 7L) / 8)) / DeflateMaxRatio,
            ImageFormat.Jpeg => ((width + 7L) / 8) * ((height + 7L) / 8) / 8,
            _ => 0,
        };
        if (encodedLength < minimum)
        {
            throw new InvalidImageException(
                $"{format.DisplayName()} file is truncated: {encodedLength:N0} bytes cannot hold a {width}x{height} image (at least {minimum:N0} are needed).");
        }
    }
}
