using System.Numerics;

namespace VisPruner;

/// <summary>
/// The visual tokens of one image or crop, as a selector sees them: row-major features [Count x Dimension],
/// an optional importance score per token, and the optional width of their spatial grid.
/// </summary>
/// <typeparam name="T">The element type (typically <see cref="float"/> or <see cref="double"/>).</typeparam>
/// <remarks>Only the shape is validated here; selectors validate the values they read (no NaN or infinity).</remarks>
public readonly ref struct VisualTokens<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="VisualTokens{T}"/> struct.</summary>
    /// <param name="features">Row-major features, one row of <paramref name="dimension"/> values per token.</param>
    /// <param name="dimension">The feature width C.</param>
    /// <param name="importance">
    /// One score per token (for VisPruner: the head-mean [CLS] attention, see <see cref="Importance.ClsAttention"/>), or empty.
    /// </param>
    /// <param name="gridWidth">
    /// Tokens per row of the spatial grid the tokens come from, or 0 when unknown
    /// (a square count is then read as a square grid, anything else as a single row).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not positive, or <paramref name="gridWidth"/> is negative.</exception>
    /// <exception cref="ArgumentException">The lengths of the spans do not fit the shape.</exception>
    public VisualTokens(ReadOnlySpan<T> features, int dimension, ReadOnlySpan<T> importance = default, int gridWidth = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(gridWidth);
        if (features.IsEmpty || features.Length % dimension != 0)
        {
            throw new ArgumentException(
                $"The features must hold a whole, non-zero number of rows of {dimension} values; got {features.Length} values.",
                nameof(features));
        }

        int count = features.Length / dimension;
        if (!importance.IsEmpty && importance.Length != count)
        {
            throw new ArgumentException(
                $"The importance must hold one value per token ({count}); got {importance.Length}.", nameof(importance));
        }

        if (gridWidth != 0 && count % gridWidth != 0)
        {
            throw new ArgumentException(
                $"The grid width {gridWidth} does not divide the token count {count}.", nameof(gridWidth));
        }

        Features = features;
        Dimension = dimension;
        Importance = importance;
        Count = count;
        GridWidth = gridWidth != 0 ? gridWidth : InferGridWidth(count);
    }

    /// <summary>Gets the row-major features [<see cref="Count"/> x <see cref="Dimension"/>].</summary>
    public ReadOnlySpan<T> Features { get; }

    /// <summary>Gets the importance score of every token, or an empty span when none was given.</summary>
    public ReadOnlySpan<T> Importance { get; }

    /// <summary>Gets the number of tokens N.</summary>
    public int Count { get; }

    /// <summary>Gets the feature width C.</summary>
    public int Dimension { get; }

    /// <summary>Gets the number of tokens per row of the spatial grid.</summary>
    public int GridWidth { get; }

    /// <summary>Gets the number of rows of the spatial grid.</summary>
    public int GridHeight => Count / GridWidth;

    /// <summary>Gets the features of one token.</summary>
    /// <param name="index">The token index.</param>
    /// <returns>The token's feature row.</returns>
    public ReadOnlySpan<T> Row(int index) => Features.Slice(index * Dimension, Dimension);

    private static int InferGridWidth(int count)
    {
        int side = (int)Math.Round(Math.Sqrt(count));
        return side * side == count ? side : count;
    }
}
