using SkiaSharp;

namespace VisPruner.Cli.Evaluation;

/// <summary>
/// A 5 x 7 pixel font for chart labels, drawn as squares: SkiaSharp's Linux assets without dependencies have no fonts,
/// and the chart must look the same on every machine. Upper case, digits and common punctuation; lower case is drawn
/// as upper case.
/// </summary>
internal static class PixelFont
{
    private const int GlyphWidth = 5, GlyphHeight = 7;

    private static readonly Dictionary<char, string> Glyphs = new()
    {
        ['A'] = "01110 10001 10001 11111 10001 10001 10001",
        ['B'] = "11110 10001 10001 11110 10001 10001 11110",
        ['C'] = "01110 10001 10000 10000 10000 10001 01110",
        ['D'] = "11110 10001 10001 10001 10001 10001 11110",
        ['E'] = "11111 10000 10000 11110 10000 10000 11111",
        ['F'] = "11111 10000 10000 11110 10000 10000 10000",
        ['G'] = "01110 10001 10000 10111 10001 10001 01111",
        ['H'] = "10001 10001 10001 11111 10001 10001 10001",
        ['I'] = "01110 00100 00100 00100 00100 00100 01110",
        ['J'] = "00111 00010 00010 00010 00010 10010 01100",
        ['K'] = "10001 10010 10100 11000 10100 10010 10001",
        ['L'] = "10000 10000 10000 10000 10000 10000 11111",
        ['M'] = "10001 11011 10101 10101 10001 10001 10001",
        ['N'] = "10001 10001 11001 10101 10011 10001 10001",
        ['O'] = "01110 10001 10001 10001 10001 10001 01110",
        ['P'] = "11110 10001 10001 11110 10000 10000 10000",
        ['Q'] = "01110 10001 10001 10001 10101 10010 01101",
        ['R'] = "11110 10001 10001 11110 10100 10010 10001",
        ['S'] = "01111 10000 10000 01110 00001 00001 11110",
        ['T'] = "11111 00100 00100 00100 00100 00100 00100",
        ['U'] = "10001 10001 10001 10001 10001 10001 01110",
        ['V'] = "10001 10001 10001 10001 10001 01010 00100",
        ['W'] = "10001 10001 10001 10101 10101 10101 01010",
        ['X'] = "10001 10001 01010 00100 01010 10001 10001",
        ['Y'] = "10001 10001 01010 00100 00100 00100 00100",
        ['Z'] = "11111 00001 00010 00100 01000 10000 11111",
        ['0'] = "01110 10001 10011 10101 11001 10001 01110",
        ['1'] = "00100 01100 00100 00100 00100 00100 01110",
        ['2'] = "01110 10001 00001 00010 00100 01000 11111",
        ['3'] = "11111 00010 00100 00010 00001 10001 01110",
        ['4'] = "00010 00110 01010 10010 11111 00010 00010",
        ['5'] = "11111 10000 11110 00001 00001 10001 01110",
        ['6'] = "00110 01000 10000 11110 10001 10001 01110",
        ['7'] = "11111 00001 00010 00100 01000 01000 01000",
        ['8'] = "01110 10001 10001 01110 10001 10001 01110",
        ['9'] = "01110 10001 10001 01111 00001 00010 01100",
        ['.'] = "00000 00000 00000 00000 00000 01100 01100",
        [','] = "00000 00000 00000 00000 01100 00100 01000",
        [':'] = "00000 01100 01100 00000 01100 01100 00000",
        ['%'] = "11000 11001 00010 00100 01000 10011 00011",
        ['-'] = "00000 00000 00000 11111 00000 00000 00000",
        ['+'] = "00000 00100 00100 11111 00100 00100 00000",
        ['='] = "00000 00000 11111 00000 11111 00000 00000",
        ['/'] = "00000 00001 00010 00100 01000 10000 00000",
        ['('] = "00010 00100 01000 01000 01000 00100 00010",
        [')'] = "01000 00100 00010 00010 00010 00100 01000",
        ['['] = "01110 01000 01000 01000 01000 01000 01110",
        [']'] = "01110 00010 00010 00010 00010 00010 01110",
        ['\''] = "00100 00100 01000 00000 00000 00000 00000",
        ['_'] = "00000 00000 00000 00000 00000 00000 11111",
        [' '] = "00000 00000 00000 00000 00000 00000 00000",
    };

    /// <summary>Gets the width in pixels of <paramref name="text"/> at <paramref name="scale"/> pixels per font pixel.</summary>
    public static float Measure(string text, float scale) => text.Length == 0 ? 0 : ((text.Length * (GlyphWidth + 1)) - 1) * scale;

    /// <summary>Gets the height in pixels of a line at <paramref name="scale"/>.</summary>
    public static float Height(float scale) => GlyphHeight * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>); unknown characters draw as boxes.</summary>
    public static void Draw(SKCanvas canvas, string text, float x, float y, float scale, SKColor color)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = false };
        foreach (char c in text)
        {
            string rows = Glyphs.GetValueOrDefault(char.ToUpperInvariant(c), "11111 10001 10001 10001 10001 10001 11111");
            for (int row = 0; row < GlyphHeight; row++)
            {
                for (int column = 0; column < GlyphWidth; column++)
                {
                    if (rows[(row * (GlyphWidth + 1)) + column] == '1')
                    {
                        canvas.DrawRect(x + (column * scale), y + (row * scale), scale, scale, paint);
                    }
                }
            }

            x += (GlyphWidth + 1) * scale;
        }
    }
}
