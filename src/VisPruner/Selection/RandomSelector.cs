using System.Numerics;
using VisPruner.Internal;

namespace VisPruner.Selection;

/// <summary>Keeps a uniformly random subset of the tokens, reproducible from a seed: a baseline for comparisons.</summary>
/// <remarks>Every call with the same seed and token count returns the same subset.</remarks>
/// <param name="seed">The seed of the random choice.</param>
public sealed class RandomSelector(ulong seed = 0) : IVisualTokenSelector
{
    /// <summary>Gets the seed of the random choice.</summary>
    public ulong Seed { get; } = seed;

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public void SelectTokens<T>(VisualTokens<T> tokens, int budget, Span<int> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Budget(budget, tokens.Count, destination.Length);
        int n = tokens.Count;
        using var pool = new PooledArray<int>(n);
        Span<int> indices = pool.Span;
        for (int i = 0; i < n; i++)
        {
            indices[i] = i;
        }

        // Partial Fisher-Yates: the first `budget` slots end up a uniform random subset.
        var random = new SplitMix64(Seed);
        for (int i = 0; i < budget; i++)
        {
            int j = i + (int)random.NextBelow((ulong)(n - i));
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        Span<int> kept = destination[..budget];
        indices[..budget].CopyTo(kept);
        kept.Sort();
    }
}
