using System.Numerics;

namespace VisPruner.Selection;

/// <summary>
/// Keeps the T tokens with the highest importance ([CLS] attention), as FasterVLM does;
/// identical to <see cref="VisPrunerSelector"/> with an important ratio of 1.
/// </summary>
public sealed class ClsAttentionTopKSelector : IVisualTokenSelector
{
    private static readonly VisPrunerSelector ImportanceOnly = new(importantRatio: 1.0);

    /// <inheritdoc />
    public string Name => "cls-topk";

    /// <inheritdoc />
    public void SelectTokens<T>(VisualTokens<T> tokens, int budget, Span<int> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ImportanceOnly.SelectTokens(tokens, budget, destination);
}
