using VisPruner.Engine.Phi3Vision;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Engine.Tests.Phi3Vision;

public sealed class Phi3VisionTokenPrunerTests
{
    private const int Hidden = 16;
    private static readonly Phi3VisionImageLayout TwoByTwo = new(672, 672);

    /// <summary>
    /// Every crop is a flat background (one repeated feature vector, tiny noise) with three distinct objects at known merged
    /// positions; [CLS] attention is uniform except on one object per crop.
    /// </summary>
    private static (EncodedImage Image, HashSet<int> ObjectRows) PlantedImage(Phi3VisionImageLayout layout)
    {
        int rows = layout.NumImageTokens;
        var features = new float[rows * Hidden];
        var random = new Random(3);
        var objectRows = new HashSet<int>();
        int crops = layout.CropCount + 1;
        var importance = new float[crops * Phi3VisionTokenPruner.TokensPerCrop];
        Array.Fill(importance, 0.001f);
        int[] objectCells = [14, 77, 130];
        for (int i = 0; i < rows; i++)
        {
            Phi3VisionToken token = layout.GetToken(i);
            (int crop, int cell) = token.Kind switch
            {
                Phi3VisionTokenKind.SubImagePatch => (1 + (token.Row / 12 * layout.CropColumns) + (token.Column / 12), (token.Row % 12 * 12) + (token.Column % 12)),
                Phi3VisionTokenKind.GlobalPatch => (0, (token.Row * 12) + token.Column),
                _ => (-1, -1),
            };
            int direction = cell >= 0 && objectCells.Contains(cell) ? 1 + Array.IndexOf(objectCells, cell) + (3 * crop) : 0;
            for (int j = 0; j < Hidden; j++)
            {
                features[(i * Hidden) + j] = (j == direction % Hidden ? 1f : 0f) + (j == (direction / Hidden) + 8 ? 0.5f : 0f) + (float)(random.NextDouble() * 1e-3);
            }

            if (direction > 0)
            {
                objectRows.Add(i);
                if (cell == objectCells[0])
                {
                    importance[(crop * Phi3VisionTokenPruner.TokensPerCrop) + cell] = 0.5f;
                }
            }
        }

        return (new EncodedImage(features, layout, importance), objectRows);
    }

    [Fact]
    public void Duplicates_are_removed_and_distinct_content_is_kept()
    {
        (EncodedImage image, HashSet<int> objects) = PlantedImage(TwoByTwo);

        // 40 of 720 tokens: 20 by attention (the 5 attended objects, then background), 20 for diversity, which must find
        // the 10 objects nobody attends to among 700 near-identical background tokens.
        int[] kept = Phi3VisionTokenPruner.SelectRows(image, Hidden, new VisualTokenPruningOptions { TokensPerImage = 40 });

        Assert.True(objects.All(kept.Contains), "missing objects: " + string.Join(", ", objects.Where(o => !kept.Contains(o)).Select(o => TwoByTwo.GetToken(o))));
        Assert.Equal(40, kept.Count(IsContent));
    }

    [Fact]
    public void Per_crop_selection_gives_every_crop_its_share()
    {
        (EncodedImage image, _) = PlantedImage(TwoByTwo);

        int[] kept = Phi3VisionTokenPruner.SelectRows(image, Hidden, new VisualTokenPruningOptions { TokensPerImage = 20, SelectPerCrop = true });

        Assert.Equal(4, kept.Count(i => TwoByTwo.GetToken(i).Kind == Phi3VisionTokenKind.GlobalPatch));
        Assert.All(
            kept.Select(TwoByTwo.GetToken).Where(t => t.Kind == Phi3VisionTokenKind.SubImagePatch).GroupBy(t => (t.Row / 12, t.Column / 12)),
            crop => Assert.Equal(4, crop.Count()));
    }

    [Fact]
    public void Importance_alone_keeps_background_duplicates_instead()
    {
        (EncodedImage image, HashSet<int> objects) = PlantedImage(TwoByTwo);

        int[] kept = Phi3VisionTokenPruner.SelectRows(
            image, Hidden, new VisualTokenPruningOptions { TokensPerImage = 20, Selector = VisualTokenSelectorKind.ClsAttentionTopK });

        Assert.Equal(5, kept.Count(objects.Contains)); // only the attended objects
    }

    [Fact]
    public void Separators_follow_the_rows_that_keep_tokens_and_the_global_separator_stays()
    {
        (EncodedImage image, _) = PlantedImage(TwoByTwo);

        int[] kept = Phi3VisionTokenPruner.SelectRows(image, Hidden, new VisualTokenPruningOptions { TokensPerImage = 20 });

        var tokens = kept.Select(TwoByTwo.GetToken).ToList();
        Assert.Single(tokens, t => t.Kind == Phi3VisionTokenKind.GlobalSeparator);
        foreach (Phi3VisionToken separator in tokens.Where(t => t.Kind == Phi3VisionTokenKind.SubImageRowSeparator))
        {
            Assert.Contains(tokens, t => t.Kind == Phi3VisionTokenKind.SubImagePatch && t.Row == separator.Row);
        }

        foreach (Phi3VisionToken patch in tokens.Where(t => t.Kind == Phi3VisionTokenKind.GlobalPatch))
        {
            Assert.Contains(tokens, t => t.Kind == Phi3VisionTokenKind.GlobalRowSeparator && t.Row == patch.Row);
        }

        Assert.Equal(kept.Order(), kept);
    }

    [Fact]
    public void Keeping_all_separators_keeps_every_structural_row()
    {
        (EncodedImage image, _) = PlantedImage(TwoByTwo);

        int[] kept = Phi3VisionTokenPruner.SelectRows(image, Hidden, new VisualTokenPruningOptions { TokensPerImage = 20, KeepAllSeparators = true });

        int separators = TwoByTwo.SubImageTokenRows + 1 + 12;
        Assert.Equal(20 + separators, kept.Length);
    }

    [Fact]
    public void A_budget_covering_every_token_keeps_every_row()
    {
        (EncodedImage image, _) = PlantedImage(TwoByTwo);

        Assert.Equal(Enumerable.Range(0, TwoByTwo.NumImageTokens), Phi3VisionTokenPruner.SelectRows(image, Hidden, new VisualTokenPruningOptions { TokenFraction = 1 }));
        Assert.Equal(Enumerable.Range(0, TwoByTwo.NumImageTokens), Phi3VisionTokenPruner.SelectRows(image, Hidden, VisualTokenPruningOptions.Disabled));
    }

    [Fact]
    public void Feature_norms_stand_in_when_no_attention_was_read()
    {
        (EncodedImage image, _) = PlantedImage(TwoByTwo);
        var withoutAttention = image with { CropImportance = null };

        int[] kept = Phi3VisionTokenPruner.SelectRows(withoutAttention, Hidden, new VisualTokenPruningOptions { TokensPerImage = 20 });

        Assert.Equal(20, kept.Count(IsContent));
    }

    [Theory]
    [InlineData(64, 5, null, new[] { 13, 13, 13, 13, 12 })]
    [InlineData(20, 5, 0.5, new[] { 10, 3, 3, 2, 2 })]
    [InlineData(720, 5, 0.1, new[] { 144, 144, 144, 144, 144 })]
    [InlineData(1, 5, null, new[] { 1, 0, 0, 0, 0 })]
    [InlineData(100, 1, 0.2, new[] { 100 })]
    public void The_budget_is_spread_over_the_crops(int budget, int crops, double? globalShare, int[] expected)
    {
        int[] perCrop = Phi3VisionTokenPruner.SplitBudget(budget, crops, globalShare);

        Assert.Equal(expected, perCrop);
        Assert.Equal(budget, perCrop.Sum());
    }

    private static bool IsContent(int row) => TwoByTwo.GetToken(row).Kind is Phi3VisionTokenKind.SubImagePatch or Phi3VisionTokenKind.GlobalPatch;
}
