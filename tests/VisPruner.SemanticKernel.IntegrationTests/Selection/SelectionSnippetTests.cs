using QuickStart;

namespace VisPruner.SemanticKernel.IntegrationTests.Selection;

/// <summary>The selector used on its own, as docs/selection.md and the VisPruner package README show it.</summary>
public sealed class SelectionSnippetTests
{
    [Fact]
    public void The_README_selection_example_keeps_the_most_attended_tokens_and_64_distinct_ones_in_raster_order()
    {
        var random = new Random(7);
        float[] features = [.. Enumerable.Range(0, 576 * 1024).Select(_ => (float)random.NextDouble() - 0.5f)];
        float[] clsRows = new float[16 * 577];
        for (int head = 0; head < 16; head++)
        {
            for (int key = 1; key < 577; key++)
            {
                clsRows[(head * 577) + key] = 0.001f;
            }

            clsRows[(head * 577) + 1 + 100] = 0.5f; // every head attends to patch 100 most
            clsRows[(head * 577) + 1 + 400] = 0.3f; // and to patch 400 next
        }

        int[] kept = TokenSelection.Select(features, clsRows);

        Assert.Equal(64, kept.Distinct().Count());
        Assert.Equal(kept.Order(), kept);
        Assert.Contains(100, kept);
        Assert.Contains(400, kept);
        Assert.All(kept, i => Assert.InRange(i, 0, 575));
    }
}
