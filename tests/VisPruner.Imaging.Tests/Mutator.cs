namespace VisPruner.Imaging.Tests;

/// <summary>Seeded corruption of real files: bit flips, truncation, inserted and deleted runs, random bytes.</summary>
internal static class Mutator
{
    /// <summary>Fixtures that cover every format and decoding path (bands, frame, progressive, interlaced, palette).</summary>
    public static readonly string[] Seeds =
    [
        "png_rgb8.png", "png_pal4_adam7.png", "png_rgba16.png", "png_gray1.png", "png_orient6.png",
        "jpeg_420.jpg", "jpeg_444_progressive.jpg", "jpeg_422_progressive_restart.jpg", "jpeg_420_restart1.jpg",
        "jpeg_cmyk_im.jpg", "jpeg_gray_progressive.jpg", "jpeg_orient6.jpg", "jpeg_411.jpg",
        "bmp_rgb24.bmp", "bmp_pal4.bmp", "bmp_rgb565.bmp", "bmp_rle8.bmp",
        "gif_static.gif", "gif_transparent.gif", "gif_animated.gif", "gif_subframe.gif",
        "webp_lossy.webp", "webp_lossless.webp", "webp_alpha.webp", "webp_orient6.webp",
        "ico_png.ico", "ico_bmp.ico",
    ];

    public static byte[] Mutate(byte[] source, Random random)
    {
        var data = new List<byte>(source);
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits && data.Count > 0; e++)
        {
            int pos = random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0:
                    data[pos] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.RemoveRange(pos, data.Count - pos);
                    break;
                case 2:
                    data.InsertRange(pos, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3:
                    data.RemoveRange(pos, Math.Min(random.Next(1, 17), data.Count - pos));
                    break;
                default:
                    data[pos] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. data];
    }
}
