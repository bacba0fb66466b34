using System.Drawing;

namespace VisPruner.Imaging.Phi3Vision;

/// <summary>
/// Where an image sits inside the padded canvas of the Phi-3(.5)-vision HD transform: the image is resized to
/// <see cref="ResizedWidth"/> x <see cref="ResizedHeight"/> and placed at (<see cref="OffsetX"/>, <see cref="OffsetY"/>)
/// on a white canvas of <see cref="Layout"/>'s size, which is cut into 336-px crops. Maps token cells back to the
/// original image's pixels.
/// </summary>
/// <remarks>
/// All values are in the image's own orientation: a portrait image is resized and padded as Hugging Face does on its
/// transpose, which pads left and right here. Immutable and thread-safe.
/// </remarks>
public readonly record struct Phi3VisionImageGeometry
{
    private const int Crop = Phi3VisionImageLayout.CropSize;

    /// <summary>Canvas pixels along each side of a merged sub-image token (2x2 patches of 14 px).</summary>
    public const int SubImageTokenSize = Crop / Phi3VisionImageLayout.TokensPerCropSide;

    private Phi3VisionImageGeometry(int sourceWidth, int sourceHeight, bool transposed, int resizedWidth, int resizedHeight, int offsetX, int offsetY, Phi3VisionImageLayout layout)
    {
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        Transposed = transposed;
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        OffsetX = offsetX;
        OffsetY = offsetY;
        Layout = layout;
    }

    /// <summary>Width of the original image in pixels.</summary>
    public int SourceWidth { get; }

    /// <summary>Height of the original image in pixels.</summary>
    public int SourceHeight { get; }

    /// <summary>True for portrait input (width &lt; height), which the transform handles transposed: the height is the
    /// resized long side and the padding is added left and right.</summary>
    public bool Transposed { get; }

    /// <summary>Width of the resized image inside the canvas.</summary>
    public int ResizedWidth { get; }

    /// <summary>Height of the resized image inside the canvas.</summary>
    public int ResizedHeight { get; }

    /// <summary>Canvas column of the resized image's left edge (white padding before it).</summary>
    public int OffsetX { get; }

    /// <summary>Canvas row of the resized image's top edge (white padding above it).</summary>
    public int OffsetY { get; }

    /// <summary>The padded canvas (its size is <c>image_sizes</c>) and the token layout that follows from it.</summary>
    public Phi3VisionImageLayout Layout { get; }

    internal Axis Horizontal => new(SourceWidth, ResizedWidth, OffsetX);

    internal Axis Vertical => new(SourceHeight, ResizedHeight, OffsetY);

    /// <summary>
    /// Rebuilds the geometry of a <paramref name="width"/> x <paramref name="height"/> image from the layout it was
    /// processed into (for example one of <see cref="Phi3VisionInputs.Layouts"/>), without knowing <c>num_crops</c>.
    /// </summary>
    /// <param name="width">Width of the original image.</param>
    /// <param name="height">Height of the original image.</param>
    /// <param name="layout">The layout the processor gave that image.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="layout"/> is not what the HD transform makes of an image of that size.</exception>
    public static Phi3VisionImageGeometry FromLayout(int width, int height, Phi3VisionImageLayout layout)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int longSide = width < height ? layout.Height : layout.Width;
        if (longSide > 0 && longSide % Crop == 0)
        {
            Phi3VisionImageGeometry geometry = ForScale(width, height, longSide / Crop);
            if (geometry.Layout == layout)
            {
                return geometry;
            }
        }

        throw new ArgumentException($"A {layout.Width}x{layout.Height} canvas is not the HD transform of a {width}x{height} image.", nameof(layout));
    }

    /// <summary>
    /// The original-image pixels whose centres fall inside a patch token's canvas cell: 28x28 canvas pixels for a
    /// <see cref="Phi3VisionTokenKind.SubImagePatch"/>, a twelfth of the canvas each way for a
    /// <see cref="Phi3VisionTokenKind.GlobalPatch"/>. Every pixel belongs to exactly one cell of each grid.
    /// </summary>
    /// <param name="token">A patch token of this image's layout (from <see cref="Phi3VisionImageLayout.GetToken"/>).</param>
    /// <returns>The pixel rectangle; empty when the cell is padding only, or smaller than the gaps between upscaled pixels.</returns>
    /// <exception cref="ArgumentException"><paramref name="token"/> is a separator or lies outside the layout's grids.</exception>
    public Rectangle GetSourceRegion(Phi3VisionToken token)
    {
        (int cellWidth, int cellHeight, int columns, int rows) = token.Kind switch
        {
            Phi3VisionTokenKind.SubImagePatch => (SubImageTokenSize, SubImageTokenSize, Layout.SubImageTokensPerRow, Layout.SubImageTokenRows),
            Phi3VisionTokenKind.GlobalPatch => (Layout.Width / Phi3VisionImageLayout.TokensPerCropSide, Layout.Height / Phi3VisionImageLayout.TokensPerCropSide,
                Phi3VisionImageLayout.TokensPerCropSide, Phi3VisionImageLayout.TokensPerCropSide),
            _ => throw new ArgumentException($"{token.Kind} tokens cover no image region.", nameof(token)),
        };
        if ((uint)token.Row >= (uint)rows || (uint)token.Column >= (uint)columns)
        {
            throw new ArgumentException($"Token ({token.Row}, {token.Column}) is outside the {rows}x{columns} {token.Kind} grid.", nameof(token));
        }

        (int left, int right) = Horizontal.PixelsIn(token.Column, cellWidth);
        (int top, int bottom) = Vertical.PixelsIn(token.Row, cellHeight);
        return left < right && top < bottom ? Rectangle.FromLTRB(left, top, right, bottom) : Rectangle.Empty;
    }

    /// <summary>Maps a point of the original image to the canvas (continuous coordinates: pixel edges at integers).</summary>
    /// <param name="x">Horizontal position in original-image pixels.</param>
    /// <param name="y">Vertical position in original-image pixels.</param>
    public (double X, double Y) SourceToCanvas(double x, double y) =>
        (OffsetX + (x * ResizedWidth / SourceWidth), OffsetY + (y * ResizedHeight / SourceHeight));

    /// <summary>Maps a canvas point back to the original image (continuous coordinates; padding maps outside it).</summary>
    /// <param name="x">Horizontal position in canvas pixels.</param>
    /// <param name="y">Vertical position in canvas pixels.</param>
    public (double X, double Y) CanvasToSource(double x, double y) =>
        ((x - OffsetX) * SourceWidth / ResizedWidth, (y - OffsetY) * SourceHeight / ResizedHeight);

    /// <summary>The HD transform's choice for <paramref name="numCrops"/>: the largest scale with
    /// <c>scale * ceil(scale / ratio) &lt;= numCrops</c>.</summary>
    internal static Phi3VisionImageGeometry Create(int width, int height, int numCrops)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        double ratio = (double)Math.Max(width, height) / Math.Min(width, height);
        int scale = 1;
        while (scale * Math.Ceiling(scale / ratio) <= numCrops)
        {
            scale++;
        }

        return ForScale(width, height, scale - 1);
    }

    private static Phi3VisionImageGeometry ForScale(int width, int height, int scale)
    {
        bool transposed = width < height;
        int longSide = transposed ? height : width;
        int shortSide = transposed ? width : height;
        double ratio = (double)longSide / shortSide;
        int newLong = scale * Crop;

        // Extreme aspect ratios would round the short side to 0 pixels; keep one row instead.
        int newShort = Math.Max(1, (int)(newLong / ratio));
        int paddedShort = (int)(Math.Ceiling(newShort / (double)Crop) * Crop);
        int offset = (paddedShort - newShort) / 2;
        return transposed
            ? new Phi3VisionImageGeometry(width, height, true, newShort, newLong, offset, 0, new Phi3VisionImageLayout(newLong, paddedShort))
            : new Phi3VisionImageGeometry(width, height, false, newLong, newShort, 0, offset, new Phi3VisionImageLayout(paddedShort, newLong));
    }

    /// <summary>
    /// One axis of the placement, in exact integer arithmetic so that the cell of every pixel and the pixels of every
    /// cell agree: pixel <c>p</c>'s centre lands at canvas <c>offset + (p + 1/2) * resized / source</c>.
    /// </summary>
    internal readonly record struct Axis(int Source, int Resized, int Offset)
    {
        /// <summary>Index of the canvas cell of <paramref name="cellSize"/> px holding pixel <paramref name="pixel"/>'s centre.</summary>
        public int CellOf(int pixel, int cellSize) =>
            (int)((((2L * Offset * Source) + (((2L * pixel) + 1) * Resized)) / (2L * Source * cellSize)));

        /// <summary>The pixels [start, end) whose centres fall in canvas cell <paramref name="cell"/>.</summary>
        public (int Start, int End) PixelsIn(int cell, int cellSize) => (FirstAtOrAfter(cell * cellSize), FirstAtOrAfter((cell + 1) * cellSize));

        /// <summary>The first pixel whose centre is at canvas position <paramref name="edge"/> or beyond: the least p with
        /// <c>(2p + 1) * resized &gt;= 2 * (edge - offset) * source</c>.</summary>
        private int FirstAtOrAfter(int edge)
        {
            long numerator = (2L * (edge - Offset) * Source) - Resized;
            long p = numerator <= 0 ? -(-numerator / (2L * Resized)) : ((numerator + (2L * Resized) - 1) / (2L * Resized));
            return (int)Math.Clamp(p, 0, Source);
        }
    }
}
