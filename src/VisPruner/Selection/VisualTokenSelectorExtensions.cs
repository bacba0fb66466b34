using System.Numerics;

namespace VisPruner.Selection;

/// <summary>Batch helpers over <see cref="IVisualTokenSelector"/>.</summary>
public static class VisualTokenSelectorExtensions
{
    /// <summary>
    /// Selects <paramref name="budget"/> tokens independently from each of <paramref name="batchSize"/> equally shaped
    /// images or crops, writing each one's kept indices (relative to that item, ascending) to consecutive
    /// <paramref name="budget"/>-long slices of <paramref name="destination"/>.
    /// </summary>
    /// <param name="selector">The selector to apply.</param>
    /// <param name="features">Features [batchSize x N x dimension].</param>
    /// <param name="importance">Importance [batchSize x N], or empty for selectors that need none.</param>
    /// <param name="batchSize">The number of items.</param>
    /// <param name="dimension">The feature width C.</param>
    /// <param name="budget">Tokens kept per item.</param>
    /// <param name="destination">Receives [batchSize x budget] indices.</param>
    /// <param name="gridWidth">Tokens per row of each item's spatial grid, or 0 when unknown.</param>
    /// <exception cref="ArgumentException">The lengths do not fit the batch shape.</exception>
    public static void SelectTokensBatch<T>(
        this IVisualTokenSelector selector,
        ReadOnlySpan<T> features,
        ReadOnlySpan<T> importance,
        int batchSize,
        int dimension,
        int budget,
        Span<int> destination,
        int gridWidth = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (features.Length % (batchSize * dimension) != 0)
        {
            throw new ArgumentException(
                $"The features ({features.Length} values) are not {batchSize} items of whole rows of {dimension} values.", nameof(features));
        }

        int perItem = features.Length / batchSize;
        int tokens = perItem / dimension;
        if (!importance.IsEmpty && importance.Length != batchSize * tokens)
        {
            throw new ArgumentException(
                $"The importance must hold {batchSize} x {tokens} values; it holds {importance.Length}.", nameof(importance));
        }

        if (destination.Length < batchSize * budget)
        {
            throw new ArgumentException(
                $"The destination must hold {batchSize} x {budget} indices; it holds {destination.Length}.", nameof(destination));
        }

        for (int item = 0; item < batchSize; item++)
        {
            var itemTokens = new VisualTokens<T>(
                features.Slice(item * perItem, perItem),
                dimension,
                importance.IsEmpty ? default : importance.Slice(item * tokens, tokens),
                gridWidth);
            selector.SelectTokens(itemTokens, budget, destination.Slice(item * budget, budget));
        }
    }
}
