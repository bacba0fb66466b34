using VisPruner.Importance;
using VisPruner.Selection;

namespace VisPruner.SemanticKernel.IntegrationTests.Snippets;

/// <summary>The token-selection code the root README shows (ReadmeTests checks that it quotes it unchanged).</summary>
public static class SelectionSnippets
{
    /// <param name="features">[576 x 1024] patch features.</param>
    /// <param name="clsRows">[16 x 577] [CLS] query rows of the attention probabilities.</param>
    public static int[] Select(float[] features, float[] clsRows)
    {
        #region selection
        // features: [576 x 1024] patch features of the layer the model consumes ([CLS] row dropped)
        // clsRows:  [16 x 577] the [CLS] query row of that layer's attention probabilities, per head
        float[] importance = new float[576];
        ClsAttention.FromClsRows<float>(clsRows, heads: 16, importance);

        var selector = new VisPrunerSelector(importantRatio: 0.5); // an IVisualTokenSelector
        int[] kept = new int[64];
        selector.SelectTokens(new VisualTokens<float>(features, 1024, importance), budget: 64, kept);
        // kept: 64 distinct token indices in ascending (raster) order
        #endregion
        return kept;
    }
}
