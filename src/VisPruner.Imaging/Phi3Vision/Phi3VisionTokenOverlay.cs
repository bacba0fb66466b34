using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Phi3Vision;

/// <summary>
/// Draws which visual tokens of a Phi-3(.5)-vision image a pruner kept: the original image with the regions of dropped
/// sub-image tokens darkened and greyed, kept regions at full colour outlined in amber, and beside it a square panel
/// of the global view (the whole padded canvas, as the model sees it) marked the same way for its 12x12 tokens.
/// </summary>
/// <remarks>
/// Each sub-image token covers 28x28 pixels of the HD canvas; a pixel of the original image belongs to the token
/// whose cell holds the pixel's centre (see <see cref="Phi3VisionImageGeometry.GetSourceRegion"/>). Separator rows
/// cover no pixels and are ignored. The global-view panel is a square of <c>12 * clamp(height / 24, 4, 28)</c> pixels
/// (so each global token is a whole number of pixels), top-aligned at the right edge of the output after a dark gap.
/// Output is deterministic. Thread-safe.
/// </remarks>
public static class Phi3VisionTokenOverlay
{
    private const int Tokens = Phi3VisionImageLayout.TokensPerCropSide;

    private static ReadOnlySpan<byte> OutlineColor => [255, 191, 0];

    private static ReadOnlySpan<byte> BackgroundColor => [38, 38, 38];

    private static ReadOnlySpan<byte> White => [255, 255, 255];

    /// <summary>Renders the kept tokens of one image.</summary>
    /// <param name="original">The image as it was given to the processor.</param>
    /// <param name="layout">The layout the processor gave it (its <c>image_sizes</c>).</param>
    /// <param name="keptRows">Indices of the kept rows among the image's <see cref="Phi3VisionImageLayout.NumImageTokens"/>
    /// feature rows, in the order the vision model emits them (see <see cref="Phi3VisionImageLayout.GetToken"/>).</param>
    /// <param name="options">Marking settings; defaults when null.</param>
    /// <returns>A new image: the original's size, widened by the global-view panel when it is shown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="original"/> or <paramref name="keptRows"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="layout"/> is not the HD layout of an image of <paramref name="original"/>'s size.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A kept row is outside the image's feature rows, or an option is out of range.</exception>
    public static RgbImage Render(RgbImage original, Phi3VisionImageLayout layout, IReadOnlySet<int> keptRows, Phi3VisionTokenOverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(keptRows);
        options ??= new Phi3VisionTokenOverlayOptions();
        options.Validate();
        var geometry = Phi3VisionImageGeometry.FromLayout(original.Width, original.Height, layout);
        bool[] keptSubImage = new bool[layout.SubImageTokenRows * layout.SubImageTokensPerRow];
        bool[] keptGlobal = new bool[Tokens * Tokens];
        foreach (int index in keptRows)
        {
            if ((uint)index >= (uint)layout.NumImageTokens)
            {
                throw new ArgumentOutOfRangeException(nameof(keptRows), index, $"Kept row {index} is outside the image's {layout.NumImageTokens} feature rows.");
            }

            Phi3VisionToken token = layout.GetToken(index);
            if (token.Kind == Phi3VisionTokenKind.SubImagePatch)
            {
                keptSubImage[(token.Row * layout.SubImageTokensPerRow) + token.Column] = true;
            }
            else if (token.Kind == Phi3VisionTokenKind.GlobalPatch)
            {
                keptGlobal[(token.Row * Tokens) + token.Column] = true;
            }
        }

        int outline = options.OutlineWidth ?? Math.Max(1, Math.Min(original.Width, original.Height) / 500);
        var marker = new Marker(options.DroppedBrightness, outline);
        int panelCell = Math.Clamp(original.Height / (2 * Tokens), 4, Phi3VisionImageGeometry.SubImageTokenSize);
        int panelSide = Tokens * panelCell;
        int gap = Math.Max(4, panelSide / 24);
        var output = options.ShowGlobalView
            ? new RgbImage(original.Width + gap + panelSide, Math.Max(original.Height, panelSide))
            : new RgbImage(original.Width, original.Height);
        Fill(output, 0, 0, output.Width, output.Height, BackgroundColor);

        for (int y = 0; y < original.Height; y++)
        {
            original.GetRow(y).CopyTo(output.GetRow(y));
        }

        Phi3VisionImageGeometry.Axis horizontal = geometry.Horizontal, vertical = geometry.Vertical;
        int[] columns = [.. Enumerable.Range(0, original.Width).Select(x => horizontal.CellOf(x, Phi3VisionImageGeometry.SubImageTokenSize))];
        int[] rows = [.. Enumerable.Range(0, original.Height).Select(y => vertical.CellOf(y, Phi3VisionImageGeometry.SubImageTokenSize))];
        marker.Mark(output, 0, 0, new CellGrid(columns, rows, keptSubImage, layout.SubImageTokensPerRow));

        if (options.ShowGlobalView)
        {
            int left = original.Width + gap;
            DrawGlobalView(original, geometry, output, left, panelSide);
            int[] panelCells = [.. Enumerable.Range(0, panelSide).Select(p => p / panelCell)];
            marker.Mark(output, left, 0, new CellGrid(panelCells, panelCells, keptGlobal, Tokens));
        }

        return output;
    }

    /// <summary>The padded canvas squeezed into a square, as the model's global view sees it: the image resized into
    /// its place, white padding around it.</summary>
    private static void DrawGlobalView(RgbImage original, Phi3VisionImageGeometry geometry, RgbImage output, int left, int side)
    {
        Fill(output, left, 0, side, side, White);
        int x0 = Scale(geometry.OffsetX, side, geometry.Layout.Width);
        int x1 = Math.Max(x0 + 1, Scale(geometry.OffsetX + geometry.ResizedWidth, side, geometry.Layout.Width));
        int y0 = Scale(geometry.OffsetY, side, geometry.Layout.Height);
        int y1 = Math.Max(y0 + 1, Scale(geometry.OffsetY + geometry.ResizedHeight, side, geometry.Layout.Height));
        RgbImage thumbnail = PillowResampler.Resize(original, x1 - x0, y1 - y0, ResampleFilter.Bilinear);
        for (int y = 0; y < thumbnail.Height; y++)
        {
            thumbnail.GetRow(y).CopyTo(output.GetRow(y0 + y)[(3 * (left + x0))..]);
        }
    }

    private static int Scale(int value, int to, int from) => (int)(((2L * value * to) + from) / (2L * from));

    private static void Fill(RgbImage image, int left, int top, int width, int height, ReadOnlySpan<byte> color)
    {
        for (int y = top; y < top + height; y++)
        {
            Span<byte> row = image.GetRow(y).Slice(3 * left, 3 * width);
            for (int i = 0; i < row.Length; i += 3)
            {
                color.CopyTo(row[i..]);
            }
        }
    }

    /// <summary>Which token cell each pixel column and row of a region falls in, and which cells were kept.</summary>
    private readonly record struct CellGrid(int[] ColumnCells, int[] RowCells, bool[] Kept, int GridColumns)
    {
        public int Width => ColumnCells.Length;

        public int Height => RowCells.Length;

        public bool IsKept(int x, int y) => Kept[(RowCells[y] * GridColumns) + ColumnCells[x]];

        /// <summary>Whether a dropped pixel lies within <paramref name="distance"/> pixels along a row or column.</summary>
        public bool NearDropped(int x, int y, int distance)
        {
            for (int d = 1; d <= distance; d++)
            {
                if ((x >= d && !IsKept(x - d, y)) || (x + d < Width && !IsKept(x + d, y))
                    || (y >= d && !IsKept(x, y - d)) || (y + d < Height && !IsKept(x, y + d)))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Greys and darkens dropped pixels, outlines kept regions where they meet dropped ones.</summary>
    private sealed class Marker
    {
        private readonly byte[] _dimmed = new byte[256];
        private readonly int _outline;

        public Marker(float brightness, int outline)
        {
            for (int luma = 0; luma < 256; luma++)
            {
                _dimmed[luma] = (byte)((luma * brightness) + 0.5f);
            }

            _outline = outline;
        }

        public void Mark(RgbImage output, int left, int top, CellGrid grid)
        {
            for (int y = 0; y < grid.Height; y++)
            {
                Span<byte> row = output.GetRow(top + y).Slice(3 * left, 3 * grid.Width);
                for (int x = 0; x < grid.Width; x++)
                {
                    Span<byte> pixel = row.Slice(3 * x, 3);
                    if (!grid.IsKept(x, y))
                    {
                        // BT.601 luma in 8-bit fixed point.
                        byte grey = _dimmed[((77 * pixel[0]) + (150 * pixel[1]) + (29 * pixel[2]) + 128) >> 8];
                        pixel.Fill(grey);
                    }
                    else if (grid.NearDropped(x, y, _outline))
                    {
                        OutlineColor.CopyTo(pixel);
                    }
                }
            }
        }
    }
}
