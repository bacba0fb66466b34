#region quick-start-selection
using VisPruner;
using VisPruner.Importance;
using VisPruner.Selection;

namespace QuickStart;

public static class TokenSelection
{
    /// <param name="features">[576 x 1024] patch features of the layer the model consumes ([CLS] row dropped).</param>
    /// <param name="clsRows">[16 x 577] the [CLS] query row of that layer's attention probabilities, per head.</param>
    /// <returns>64 distinct token indices in ascending (raster) order.</returns>
    public static int[] Select(float[] features, float[] clsRows)
    {
        float[] importance = new float[576];
        ClsAttention.FromClsRows<float>(clsRows, heads: 16, importance);

        var selector = new VisPrunerSelector(importantRatio: 0.5); // an IVisualTokenSelector
        int[] kept = new int[64];
        selector.SelectTokens(new VisualTokens<float>(features, 1024, importance), budget: 64, kept);
        return kept;
    }
}
#endregion
