using VisPruner.Engine.Phi4Multimodal;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging.Phi4Multimodal;

namespace VisPruner.Engine.Tests.Phi4Multimodal;

/// <summary>The phi4mm row choice on planted features and attention: which rows are content, where their importance comes from, separators.</summary>
public class Phi4MultimodalTokenPrunerTests
{
    private const int Hidden = 8;

    // 900 x 500: a 2 x 3 grid cut to 27 useful token rows of 48; 1596 rows = 27 x 49 + 1 + 16 x 17.
    private static readonly Phi4MultimodalImageLayout Layout = new Phi4MultimodalImageProcessor().GetLayout(900, 500);

    private static int SubRow(int y, int x) => (y * 49) + x;

    private static int GlobalRow(int y, int x) => (27 * 49) + 1 + (y * 17) + x;

    /// <summary>Feature rows of distinct random values, and attention planted on (crop, pooled position) pairs.</summary>
    private static Phi4EncodedImage Planted(params (int Crop, int Y, int X)[] important)
    {
        var random = new Random(7);
        float[] features = [.. Enumerable.Range(0, Layout.NumImageTokens * Hidden).Select(_ => (float)random.NextDouble())];
        var attention = new float[7 * 256];
        Array.Fill(attention, 0.001f);
        foreach ((int crop, int y, int x) in important)
        {
            attention[(crop * 256) + (y * 16) + x] = 1f;
        }

        return new Phi4EncodedImage(features, Layout, attention);
    }

    [Fact]
    public void Importance_follows_each_token_to_its_crop_and_every_separator_is_kept()
    {
        // Crop 0 is the global view; crop 5 is the sub-crop in grid row 1, column 1 (canvas tokens 16..31 x 16..31).
        Phi4EncodedImage image = Planted((0, 2, 3), (5, 3, 4), (1, 0, 0), (3, 10, 15));
        var options = new VisualTokenPruningOptions { Selector = VisualTokenSelectorKind.ClsAttentionTopK, TokensPerImage = 4 };

        int[] rows = Phi4MultimodalTokenPruner.SelectRows(image, Hidden, options);

        int[] separators = [.. Enumerable.Range(0, 27).Select(y => SubRow(y, 48)), (27 * 49), .. Enumerable.Range(0, 16).Select(y => GlobalRow(y, 16))];
        int[] content = [GlobalRow(2, 3), SubRow(19, 20), SubRow(0, 0), SubRow(10, 47)];
        Assert.Equal(content.Concat(separators).Order(), rows);
        Assert.Equal(4 + 27 + 1 + 16, rows.Length);
        Assert.Equal(rows.Length, Phi4MultimodalTokenPruner.FewestRows(Layout, options));
    }

    [Fact]
    public void Per_part_selection_gives_the_global_view_its_share_and_a_full_budget_keeps_every_row()
    {
        Phi4EncodedImage image = Planted();
        var perPart = new VisualTokenPruningOptions { TokensPerImage = 100, SelectPerCrop = true, GlobalViewShare = 0.3 };

        int[] rows = Phi4MultimodalTokenPruner.SelectRows(image, Hidden, perPart);

        int globalStart = (27 * 49) + 1;
        Assert.Equal(30, rows.Count(r => r >= globalStart && (r - globalStart) % 17 != 16));
        Assert.Equal(70, rows.Count(r => r < globalStart - 1 && r % 49 != 48));
        Assert.Equal(Enumerable.Range(0, Layout.NumImageTokens), Phi4MultimodalTokenPruner.SelectRows(image, Hidden, new VisualTokenPruningOptions { TokenFraction = 1 }));
        Assert.Equal(Enumerable.Range(0, Layout.NumImageTokens), Phi4MultimodalTokenPruner.SelectRows(image, Hidden, VisualTokenPruningOptions.Disabled));
    }

    [Fact]
    public void Without_attention_the_feature_norms_decide()
    {
        Phi4EncodedImage planted = Planted();
        float[] features = planted.Features;
        features.AsSpan(SubRow(5, 30) * Hidden, Hidden).Fill(100f);
        var image = new Phi4EncodedImage(features, Layout, null);

        int[] rows = Phi4MultimodalTokenPruner.SelectRows(image, Hidden, new VisualTokenPruningOptions { Selector = VisualTokenSelectorKind.ClsAttentionTopK, TokensPerImage = 1 });

        Assert.Contains(SubRow(5, 30), rows);
        Assert.Equal(1 + 27 + 1 + 16, rows.Length);
    }
}
