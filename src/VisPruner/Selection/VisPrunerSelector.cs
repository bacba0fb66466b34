using System.Numerics;
using VisPruner.Internal;

namespace VisPruner.Selection;

/// <summary>
/// VisPruner (arXiv 2412.01818): keeps the floor(T*r) tokens with the highest importance, then fills the rest of the
/// budget with a diverse subset of the remaining tokens by repeatedly removing near-duplicates.
/// </summary>
/// <remarks>
/// <para>
/// Duplicate removal follows the reference implementation round by round: the residual tokens (in descending
/// importance) are split into the even positions <c>a</c> and odd positions <c>b</c>; every <c>a</c> token is scored
/// by its highest cosine similarity to any <c>b</c> token; the <c>step</c> highest-scoring <c>a</c> tokens are dropped,
/// where <c>step = min(8, R - T_div)</c>; the surviving <c>a</c> tokens, by descending score, followed by <c>b</c> form the
/// next round's order. Kept indices are returned in ascending (raster) order.
/// </para>
/// <para>
/// Where the reference crashes, this implementation defines the result, so that every budget from 1 to N returns
/// exactly T distinct tokens: an odd residual count gives <c>a</c> one token more than <c>b</c>; a step larger than
/// the <c>a</c> side (tiny diverse budgets) is capped at the <c>a</c> side, dropping all of it that round.
/// Orders are stable: equal importance or equal scores keep ascending index order. A zero feature vector has
/// similarity 0 with every token (the reference produces NaN).
/// </para>
/// <para>With an important ratio of 1 the result is plain [CLS]-attention top-T (FasterVLM).</para>
/// </remarks>
public sealed class VisPrunerSelector : IVisualTokenSelector
{
    /// <summary>The paper's default share of the budget given to the most important tokens.</summary>
    public const double DefaultImportantRatio = 0.5;

    /// <summary>The most near-duplicate tokens removed in one round, as in the reference.</summary>
    public const int MaxDropsPerRound = 8;

    /// <summary>Initializes a new instance of the <see cref="VisPrunerSelector"/> class.</summary>
    /// <param name="importantRatio">The share r of the budget chosen by importance alone, from 0 to 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="importantRatio"/> is outside [0, 1] or NaN.</exception>
    public VisPrunerSelector(double importantRatio = DefaultImportantRatio)
    {
        if (!(importantRatio >= 0 && importantRatio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(importantRatio), importantRatio, "The important ratio must be between 0 and 1.");
        }

        ImportantRatio = importantRatio;
    }

    /// <summary>Gets the share r of the budget chosen by importance alone.</summary>
    public double ImportantRatio { get; }

    /// <inheritdoc />
    public string Name => "vispruner";

    /// <summary>Gets how many of <paramref name="budget"/> tokens are chosen by importance: floor(budget * r).</summary>
    /// <param name="budget">The token budget T.</param>
    /// <returns>T_imp.</returns>
    public int ImportantCount(int budget) => (int)Math.Floor(budget * ImportantRatio);

    /// <inheritdoc />
    public void SelectTokens<T>(VisualTokens<T> tokens, int budget, Span<int> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Budget(budget, tokens.Count, destination.Length);
        Guard.Importance(tokens, Name);

        int important = ImportantCount(budget);
        using var order = new PooledArray<int>(tokens.Count);
        using (var keys = new PooledArray<T>(tokens.Count))
        {
            DescendingOrder.Sort(tokens.Importance, order.Span, keys.Span);
        }

        Span<int> kept = destination[..budget];
        order.Span[..important].CopyTo(kept);
        if (budget > important)
        {
            DuplicateRemoval.Keep(tokens, order.Span[important..], kept[important..]);
        }

        kept.Sort();
    }
}
