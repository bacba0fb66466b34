using VisPruner;
using VisPruner.Importance;
using VisPruner.Selection;

/// <summary>The VisPruner package README's example, on seeded features and attention.</summary>
internal static class SelectionReadme
{
    public static int[] Select(int seed)
    {
        var random = new Random(seed);
        float[] features = [.. Enumerable.Range(0, 576 * 1024).Select(_ => random.NextSingle() - 0.5f)];
        float[] clsRows = [.. Enumerable.Range(0, 16 * 577).Select(_ => random.NextSingle() / 577)];

        #region vispruner-package
        // features: [576 x 1024] patch features of the layer the model consumes ([CLS] row dropped)
        // clsRows:  [16 x 577] the [CLS] query row of that layer's attention probabilities, per head
        float[] importance = new float[576];
        ClsAttention.FromClsRows<float>(clsRows, heads: 16, importance);

        int[] kept = new int[64];
        new VisPrunerSelector().SelectTokens(new VisualTokens<float>(features, 1024, importance), budget: 64, kept);
        // kept: 64 distinct token indices in ascending (raster) order
        #endregion
        return kept;
    }
}
