namespace VisPruner.Imaging.Png;

/// <summary>
/// Turns one unfiltered scanline into RGB the way Pillow's <c>convert("RGB")</c> does: alpha and tRNS dropped,
/// 16-bit samples reduced to their high byte, low-depth grey scaled to 0..255.
/// </summary>
internal static class PngPixelConverter
{
    public static void ToRgb(PngHeader h, byte[]? palette, ReadOnlySpan<byte> row, Span<byte> output, int x0, int dx, int count)
    {
        int bytesPerSample = h.BitDepth == 16 ? 2 : 1;
        switch (h.ColorType)
        {
            case PngColorType.Grayscale when h.BitDepth < 8:
            case PngColorType.Palette:
                ConvertPacked(h, palette, row, output, x0, dx, count);
                break;
            case PngColorType.Grayscale:
            case PngColorType.GrayscaleAlpha:
                {
                    int step = h.Channels * bytesPerSample;
                    for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                    {
                        byte g = row[i * step];
                        output[o] = g;
                        output[o + 1] = g;
                        output[o + 2] = g;
                    }

                    break;
                }

            default:
                {
                    int step = h.Channels * bytesPerSample;
                    for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                    {
                        int s = i * step;
                        output[o] = row[s];
                        output[o + 1] = row[s + bytesPerSample];
                        output[o + 2] = row[s + (2 * bytesPerSample)];
                    }

                    break;
                }
        }
    }

    private static void ConvertPacked(PngHeader h, byte[]? palette, ReadOnlySpan<byte> row, Span<byte> output, int x0, int dx, int count)
    {
        int depth = h.BitDepth;
        int mask = (1 << depth) - 1;
        int greyScale = 255 / mask;
        int paletteEntries = palette is null ? 0 : palette.Length / 3;
        for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
        {
            int bit = i * depth;
            int value = (row[bit >> 3] >> (8 - depth - (bit & 7))) & mask;
            if (h.ColorType == PngColorType.Palette)
            {
                // Out-of-range indices read as black, like the zero-filled tail of a short palette.
                if (value < paletteEntries)
                {
                    output[o] = palette![value * 3];
                    output[o + 1] = palette[(value * 3) + 1];
                    output[o + 2] = palette[(value * 3) + 2];
                }
                else
                {
                    output.Slice(o, 3).Clear();
                }
            }
            else
            {
                byte g = (byte)(value * greyScale);
                output[o] = g;
                output[o + 1] = g;
                output[o + 2] = g;
            }
        }
    }
}
