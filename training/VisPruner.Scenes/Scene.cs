using System.Drawing;

namespace VisPruner.Scenes;

/// <summary>One Fashion-MNIST item placed in a scene.</summary>
/// <param name="ClassId">The Fashion-MNIST label (index into <see cref="FashionMnist.ClassNames"/>).</param>
/// <param name="Colour">The tint.</param>
/// <param name="Cell">The cell of the scene's 3 x 3 grid that holds the item (0 = top-left, row by row).</param>
/// <param name="Square">The square the upscaled 28 x 28 source image covers, in scene pixels.</param>
/// <param name="Box">The item's visible pixels (its non-black source pixels, upscaled), in scene pixels.</param>
/// <param name="Source">The index of the source image in its Fashion-MNIST split.</param>
public sealed record SceneItem(int ClassId, SceneColour Colour, int Cell, Rectangle Square, Rectangle Box, int Source)
{
    /// <summary>Gets the class name.</summary>
    public string ClassName => FashionMnist.ClassNames[ClassId];
}

/// <summary>A generated scene: its size, background and items (the pixels come from <see cref="SceneRenderer"/>).</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Background">How the background is painted.</param>
/// <param name="Items">The items, in no particular order; at most one per cell.</param>
public sealed record Scene(int Width, int Height, SceneBackground Background, IReadOnlyList<SceneItem> Items)
{
    /// <summary>The cell names of the 3 x 3 grid, row by row, as questions spell them.</summary>
    public static IReadOnlyList<string> CellNames { get; } =
        ["top-left", "top", "top-right", "left", "centre", "right", "bottom-left", "bottom", "bottom-right"];

    /// <summary>Gets the bounds of cell <paramref name="cell"/> (0..8) in scene pixels.</summary>
    public Rectangle CellBounds(int cell)
    {
        int column = cell % 3, row = cell / 3;
        int left = Width * column / 3, right = Width * (column + 1) / 3;
        int top = Height * row / 3, bottom = Height * (row + 1) / 3;
        return Rectangle.FromLTRB(left, top, right, bottom);
    }
}
