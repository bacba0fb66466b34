using System.Numerics.Tensors;
using VisPruner.Selection;

namespace VisPruner.Engine.Pruning;

/// <summary>How every family hands an image's content tokens to the configured selector.</summary>
internal static class ContentSelection
{
    public static IVisualTokenSelector CreateSelector(VisualTokenPruningOptions options) => options.Selector switch
    {
        VisualTokenSelectorKind.VisPruner => new VisPrunerSelector(options.ImportantRatio),
        VisualTokenSelectorKind.ClsAttentionTopK => new ClsAttentionTopKSelector(),
        VisualTokenSelectorKind.DivPrune => new DivPruneSelector(),
        VisualTokenSelectorKind.Uniform => new UniformSpatialSelector(),
        VisualTokenSelectorKind.Random => new RandomSelector(options.RandomSeed),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Selector, "Unknown selector."),
    };

    /// <summary>
    /// Selects <paramref name="budget"/> of the content tokens held in feature rows <paramref name="rowOf"/> of
    /// <paramref name="features"/> and marks their rows in <paramref name="kept"/>. Importance is
    /// <paramref name="attention"/> (one value per token, aligned with <paramref name="rowOf"/>) when the vision model gave
    /// it and the options want it, otherwise each row's L2 norm. <paramref name="gridWidth"/> is the tokens per row of their
    /// spatial grid, for the uniform selector (0 when unknown).
    /// </summary>
    public static void Select(
        IVisualTokenSelector selector, float[] features, int hidden, ReadOnlySpan<int> rowOf, ReadOnlySpan<float> attention,
        VisualTokenPruningOptions options, int gridWidth, int budget, bool[] kept)
    {
        if (budget == 0)
        {
            return;
        }

        int count = rowOf.Length;
        var gathered = new float[count * hidden];
        var importance = new float[count];
        for (int m = 0; m < count; m++)
        {
            features.AsSpan(rowOf[m] * hidden, hidden).CopyTo(gathered.AsSpan(m * hidden, hidden));
        }

        if (!attention.IsEmpty && options.Importance != ImportanceSignal.FeatureNorm)
        {
            attention.CopyTo(importance);
        }
        else
        {
            for (int m = 0; m < count; m++)
            {
                importance[m] = TensorPrimitives.Norm<float>(gathered.AsSpan(m * hidden, hidden));
            }
        }

        var chosen = new int[budget];
        selector.SelectTokens(new VisualTokens<float>(gathered, hidden, importance, gridWidth), budget, chosen);
        foreach (int m in chosen)
        {
            kept[rowOf[m]] = true;
        }
    }
}
