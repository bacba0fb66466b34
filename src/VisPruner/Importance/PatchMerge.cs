using System.Numerics;

namespace VisPruner.Importance;

/// <summary>
/// Carries patch-level signals over to merged tokens, for models that merge k x k neighbouring patches into one
/// language-model token (Phi-3.5-vision and Qwen2.5-VL merge 2 x 2).
/// </summary>
public static class PatchMerge
{
    /// <summary>Sums the importance of each k x k block of a patch grid: merged[i, j] = sum over the block at (k*i, k*j).</summary>
    /// <param name="importance">Patch importance, row-major [gridHeight x gridWidth].</param>
    /// <param name="gridWidth">Patches per grid row.</param>
    /// <param name="factor">The merge factor k.</param>
    /// <param name="merged">Receives [(gridHeight/k) x (gridWidth/k)] scores.</param>
    /// <exception cref="ArgumentException">The grid is not divisible by <paramref name="factor"/> or <paramref name="merged"/> has the wrong length.</exception>
    public static void SumImportance<T>(ReadOnlySpan<T> importance, int gridWidth, int factor, Span<T> merged)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int height, int mergedWidth) = CheckGrid(importance.Length, gridWidth, factor, merged.Length, 1, nameof(importance), nameof(merged));
        merged.Clear();
        for (int y = 0; y < height; y++)
        {
            Span<T> target = merged.Slice(y / factor * mergedWidth, mergedWidth);
            ReadOnlySpan<T> row = importance.Slice(y * gridWidth, gridWidth);
            for (int x = 0; x < gridWidth; x++)
            {
                target[x / factor] += row[x];
            }
        }
    }

    /// <summary>
    /// Concatenates the features of each k x k block, in row-major order within the block, into one merged feature
    /// of width k*k*C, as the Phi-3.5-vision and Qwen2.5-VL mergers do before their projector.
    /// </summary>
    /// <param name="features">Patch features, row-major [gridHeight x gridWidth x dimension].</param>
    /// <param name="gridWidth">Patches per grid row.</param>
    /// <param name="dimension">The patch feature width C.</param>
    /// <param name="factor">The merge factor k.</param>
    /// <param name="merged">Receives [(gridHeight/k) x (gridWidth/k) x (k*k*C)] values.</param>
    /// <exception cref="ArgumentException">The grid is not divisible by <paramref name="factor"/> or <paramref name="merged"/> has the wrong length.</exception>
    public static void ConcatenateFeatures<T>(ReadOnlySpan<T> features, int gridWidth, int dimension, int factor, Span<T> merged)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (features.Length % dimension != 0)
        {
            throw new ArgumentException($"The features are not a whole number of rows of {dimension} values.", nameof(features));
        }

        (int height, int mergedWidth) = CheckGrid(
            features.Length / dimension, gridWidth, factor, merged.Length, factor * factor * dimension, nameof(features), nameof(merged));
        int mergedDim = factor * factor * dimension;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < gridWidth; x++)
            {
                int token = (y / factor * mergedWidth) + (x / factor);
                int slot = (y % factor * factor) + (x % factor);
                features.Slice(((y * gridWidth) + x) * dimension, dimension)
                    .CopyTo(merged.Slice((token * mergedDim) + (slot * dimension), dimension));
            }
        }
    }

    private static (int Height, int MergedWidth) CheckGrid(int patches, int gridWidth, int factor, int mergedLength, int mergedRowLength, string paramName, string mergedName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        if (patches == 0 || patches % gridWidth != 0 || gridWidth % factor != 0 || patches / gridWidth % factor != 0)
        {
            throw new ArgumentException(
                $"{patches} patches do not form a grid {gridWidth} wide whose sides divide by {factor}.", paramName);
        }

        int height = patches / gridWidth;
        int mergedTokens = patches / (factor * factor);
        if (mergedLength != mergedTokens * mergedRowLength)
        {
            throw new ArgumentException(
                $"The merged destination must hold {mergedTokens * mergedRowLength} values; it holds {mergedLength}.", mergedName);
        }

        return (height, gridWidth / factor);
    }
}
