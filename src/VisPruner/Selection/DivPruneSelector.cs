using System.Numerics;
using System.Numerics.Tensors;
using VisPruner.Internal;

namespace VisPruner.Selection;

/// <summary>
/// DivPrune-style max-min diversity (no attention needed): starts from the token whose nearest neighbour is farthest
/// away, then repeatedly adds the token least similar to everything already kept (cosine similarity).
/// </summary>
/// <remarks>Ties go to the lowest index. Cost: all pairwise similarities once, then O(T * N).</remarks>
public sealed class DivPruneSelector : IVisualTokenSelector
{
    /// <inheritdoc />
    public string Name => "divprune";

    /// <inheritdoc />
    public void SelectTokens<T>(VisualTokens<T> tokens, int budget, Span<int> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Budget(budget, tokens.Count, destination.Length);
        int n = tokens.Count;
        using var all = new PooledArray<int>(n);
        using var unit = new PooledArray<T>(n * tokens.Dimension);
        using var gram = new PooledArray<T>(n * n);
        using var closest = new PooledArray<T>(n);
        for (int i = 0; i < n; i++)
        {
            all.Span[i] = i;
        }

        UnitRows.Pack(tokens, all.Span, unit.Span);
        SimilarityMatrix.Compute<T>(unit.Span, n, tokens.Dimension, gram.Span);
        ReadOnlySpan<T> similarity = gram.Span;

        // closest[i]: the highest similarity of token i to a kept token; the first pick uses its nearest other token.
        Span<T> nearest = closest.Span;
        for (int i = 0; i < n; i++)
        {
            T best = T.NegativeInfinity;
            ReadOnlySpan<T> row = similarity.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                if (j != i && row[j] > best)
                {
                    best = row[j];
                }
            }

            nearest[i] = best;
        }

        Span<int> kept = destination[..budget];
        for (int k = 0; k < budget; k++)
        {
            int pick = TensorPrimitives.IndexOfMin<T>(nearest);
            kept[k] = pick;
            if (k == 0)
            {
                similarity.Slice(pick * n, n).CopyTo(nearest);
            }
            else
            {
                TensorPrimitives.Max(nearest, similarity.Slice(pick * n, n), nearest);
            }

            // A kept token is never picked again, even when everything left duplicates it; Max keeps the infinity.
            nearest[pick] = T.PositiveInfinity;
        }

        kept.Sort();
    }
}
