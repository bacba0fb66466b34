using System.Numerics;
using System.Numerics.Tensors;

namespace VisPruner.Internal;

/// <summary>Packs chosen feature rows scaled to unit L2 norm, so that a dot product is a cosine similarity.</summary>
internal static class UnitRows
{
    /// <summary>
    /// Writes row <c>rows[k]</c> of <paramref name="tokens"/>, divided by its L2 norm, to row k of <paramref name="destination"/>.
    /// A zero row stays zero (similarity 0 with everything) instead of becoming NaN as in the reference.
    /// </summary>
    /// <exception cref="ArgumentException">A chosen row holds NaN or an infinity.</exception>
    public static void Pack<T>(VisualTokens<T> tokens, ReadOnlySpan<int> rows, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int dim = tokens.Dimension;
        for (int k = 0; k < rows.Length; k++)
        {
            ReadOnlySpan<T> row = tokens.Row(rows[k]);
            Span<T> target = destination.Slice(k * dim, dim);
            T norm = TensorPrimitives.Norm(row);
            if (!T.IsFinite(norm))
            {
                norm = CheckedNorm(row, rows[k], nameof(tokens));
            }

            if (norm == T.Zero)
            {
                target.Clear();
            }
            else
            {
                TensorPrimitives.Divide(row, norm, target);
            }
        }
    }

    // Only reached when the plain sum of squares overflowed or the row is not finite.
    private static T CheckedNorm<T>(ReadOnlySpan<T> row, int rowIndex, string paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int bad = Guard.IndexOfNonFinite(row);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"The features hold a non-finite value ({row[bad]}) in token {rowIndex}, element {bad}.", paramName);
        }

        T scale = TensorPrimitives.MaxMagnitude(row);
        T sum = T.Zero;
        foreach (T value in row)
        {
            T scaled = value / scale;
            sum += scaled * scaled;
        }

        return T.Sqrt(sum) * T.Abs(scale);
    }
}
