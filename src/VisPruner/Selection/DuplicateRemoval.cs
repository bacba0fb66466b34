using System.Numerics;
using System.Numerics.Tensors;
using VisPruner.Internal;

namespace VisPruner.Selection;

/// <summary>VisPruner's iterative duplicate removal among the residual tokens (see <see cref="VisPrunerSelector"/>).</summary>
internal static class DuplicateRemoval
{
    /// <summary>Reduces <paramref name="residual"/> (in descending importance) to <paramref name="destination"/>.Length diverse tokens.</summary>
    public static void Keep<T>(VisualTokens<T> tokens, ReadOnlySpan<int> residual, Span<int> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int total = residual.Length;
        int keep = destination.Length;
        if (keep >= total)
        {
            residual.CopyTo(destination);
            return;
        }

        using var unit = new PooledArray<T>(total * tokens.Dimension);
        using var gram = new PooledArray<T>(total * total);
        UnitRows.Pack(tokens, residual, unit.Span);
        SimilarityMatrix.Compute<T>(unit.Span, total, tokens.Dimension, gram.Span);

        int half = (total + 1) / 2;
        using var current = new PooledArray<int>(total);
        using var next = new PooledArray<int>(total);
        using var bSide = new PooledArray<int>(half);
        using var scores = new PooledArray<T>(half);
        using var scoreOrder = new PooledArray<int>(half);
        using var keys = new PooledArray<T>(half);
        using var rowMax = new PooledArray<T>(total);
        ReadOnlySpan<T> similarity = gram.Span;

        // Positions 0..total-1 index the residual order, the packed rows and the similarity matrix alike.
        Span<int> order = current.Span;
        Span<int> spare = next.Span;
        for (int p = 0; p < total; p++)
        {
            order[p] = p;
        }

        int count = total;
        int step;
        while ((step = Math.Min(VisPrunerSelector.MaxDropsPerRound, count - keep)) > 0)
        {
            int aCount = (count + 1) / 2;
            int bCount = count / 2;
            step = Math.Min(step, aCount);

            Span<int> b = bSide.Span[..bCount];
            for (int j = 0; j < bCount; j++)
            {
                b[j] = order[(2 * j) + 1];
            }

            // Element-wise max over the b rows gives every token's best match on the b side in one vectorised pass
            // per b token; the a tokens' scores are then read off it (cheaper than gathering b columns per a token).
            Span<T> bestMatch = rowMax.Span;
            similarity.Slice(b[0] * total, total).CopyTo(bestMatch);
            for (int j = 1; j < bCount; j++)
            {
                TensorPrimitives.Max(bestMatch, similarity.Slice(b[j] * total, total), bestMatch);
            }

            Span<T> score = scores.Span[..aCount];
            for (int i = 0; i < aCount; i++)
            {
                score[i] = bestMatch[order[2 * i]];
            }

            Span<int> byScore = scoreOrder.Span[..aCount];
            DescendingOrder.Sort<T>(score, byScore, keys.Span[..aCount]);

            int written = 0;
            for (int i = step; i < aCount; i++)
            {
                spare[written++] = order[2 * byScore[i]];
            }

            b.CopyTo(spare[written..]);
            count = written + bCount;
            Span<int> swap = order;
            order = spare;
            spare = swap;
        }

        for (int p = 0; p < keep; p++)
        {
            destination[p] = residual[order[p]];
        }
    }
}
