namespace VisPruner.Imaging.Decoding;

/// <summary>
/// The colour Pillow shows where a GIF's first frame leaves the canvas see-through: transparent pixels and canvas
/// outside the frame's rectangle. Pillow starts the frame from a canvas filled with palette index T (the frame's
/// transparent index, else 0), and <c>convert("RGB")</c> turns that index into its palette colour; Skia leaves those
/// pixels with alpha 0 instead. Only the header up to the first image descriptor is read, with bounds checked.
/// </summary>
internal static class GifCanvasColor
{
    private const int HeaderLength = 13; // signature, logical screen descriptor

    /// <summary>The RGB colour of Pillow's canvas index for the first frame.</summary>
    public static (byte R, byte G, byte B) Read(ReadOnlySpan<byte> gif)
    {
        if (gif.Length < HeaderLength)
        {
            return default;
        }

        bool hasPalette = HasPalette(gif[10]);
        ReadOnlySpan<byte> palette = Table(gif, HeaderLength, gif[10]);
        int pos = HeaderLength + palette.Length;
        int index = 0;
        while (pos + 1 < gif.Length && gif[pos] == 0x21)
        {
            // Extension: a graphic control extension before the image states its transparent index.
            if (gif[pos + 1] == 0xF9 && pos + 6 < gif.Length && gif[pos + 2] == 4 && (gif[pos + 3] & 1) != 0)
            {
                index = gif[pos + 6];
            }

            pos = SkipSubBlocks(gif, pos + 2);
        }

        if (pos + 9 < gif.Length && gif[pos] == 0x2C && HasPalette(gif[pos + 9]))
        {
            // The first image descriptor brings a local palette, which replaces the global one for this frame.
            hasPalette = true;
            palette = Table(gif, pos + 10, gif[pos + 9]);
        }

        // Without any palette Pillow reads the frame as greyscale, so index i is grey level i.
        return !hasPalette ? ((byte)index, (byte)index, (byte)index)
            : (3 * index) + 2 < palette.Length ? (palette[3 * index], palette[(3 * index) + 1], palette[(3 * index) + 2])
            : default;
    }

    /// <summary>Gives pixels with alpha 0 in an RGBA row the canvas colour.</summary>
    public static void Paint(Span<byte> rgba, (byte R, byte G, byte B) color)
    {
        for (int i = 3; i < rgba.Length; i += 4)
        {
            if (rgba[i] == 0)
            {
                rgba[i - 3] = color.R;
                rgba[i - 2] = color.G;
                rgba[i - 1] = color.B;
            }
        }
    }

    /// <summary>A colour table flag sits in bit 7 of a packed field, its size in bits 0..2.</summary>
    private static bool HasPalette(byte packed) => (packed & 0x80) != 0;

    /// <summary>The colour table a packed field announces at <paramref name="start"/>, cut short if the file is.</summary>
    private static ReadOnlySpan<byte> Table(ReadOnlySpan<byte> gif, int start, byte packed)
    {
        int length = HasPalette(packed) ? 3 << ((packed & 7) + 1) : 0;
        return start >= gif.Length ? [] : gif.Slice(start, Math.Min(length, gif.Length - start));
    }

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int pos)
    {
        while (pos < gif.Length && gif[pos] != 0)
        {
            pos += gif[pos] + 1;
        }

        return pos + 1;
    }
}
