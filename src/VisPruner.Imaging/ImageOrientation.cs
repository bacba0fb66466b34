namespace VisPruner.Imaging;

/// <summary>Applies an EXIF orientation (1..8) so the image displays upright, as Pillow's <c>exif_transpose</c> does.</summary>
internal static class ImageOrientation
{
    public static RgbImage Apply(RgbImage image, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }

        bool swap = orientation >= 5;
        int w = image.Width, h = image.Height;
        int ow = swap ? h : w, oh = swap ? w : h;
        var result = new RgbImage(ow, oh);
        ReadOnlySpan<byte> src = image.Pixels;
        Span<byte> dst = result.Pixels;
        for (int y = 0; y < oh; y++)
        {
            for (int x = 0; x < ow; x++)
            {
                // Source pixel that lands at (x, y) for each orientation.
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x),
                };
                src.Slice(((sy * w) + sx) * 3, 3).CopyTo(dst.Slice(((y * ow) + x) * 3, 3));
            }
        }

        return result;
    }
}
