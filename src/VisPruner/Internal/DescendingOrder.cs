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

        // The framework sort is unstable; ties are rare, so fix up each run of equal keys afterwards.
        keys.Sort(order);
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    order[start..i].Sort();
                }

                start = i;
            }
        }
    }
}
