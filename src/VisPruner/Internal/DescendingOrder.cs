using System.Numerics;

namespace VisPruner.Internal;

/// <summary>Stable descending argsort: larger values first, equal values by ascending index.</summary>
internal static class DescendingOrder
{
    /// <summary>Writes into <paramref name="order"/> the indices of <paramref name="values"/> sorted by descending value.</summary>
    /// <param name="values">The values to order.</param>
    /// <param name="order">Receives the indices; as long as <paramref name="values"/>.</param>
    /// <param name="keys">Scratch as long as <paramref name="values"/>.</param>
    public static void Sort<T>(ReadOnlySpan<T> values, Span<int> order, Span<T> keys)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            keys[i] = -values[i];
            order[i] = i;
        }

        SortByNegatedKeys(keys, order);
    }

    /// <summary>
    /// Sorts <paramref name="items"/> by ascending <paramref name="keys"/> (negated values, so the values descend);
    /// items with equal keys end up in ascending order.
    /// </summary>
    public static void SortByNegatedKeys<T>(Span<T> keys, Span<int> items)
        where T : IFloatingPointIeee754<T>
    {
        // The framework sort is unstable; ties are rare, so fix up each run of equal keys afterwards.
        keys.Sort(items);
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    items[start..i].Sort();
                }

                start = i;
            }
        }
    }
}
