using VisPruner.Selection;

namespace VisPruner.Tests.Selection;

public sealed class ComparisonSelectorTests
{
    private static readonly SeededTokens Grid = SeededTokens.Clustered(seed: 21, count: 576, dimension: 32, heads: 2);

    public static TheoryData<string> Selectors => ["vispruner", "cls-topk", "divprune", "uniform", "random"];

    private static IVisualTokenSelector Create(string name) => name switch
    {
        "vispruner" => new VisPrunerSelector(),
        "cls-topk" => new ClsAttentionTopKSelector(),
        "divprune" => new DivPruneSelector(),
        "uniform" => new UniformSpatialSelector(),
        "random" => new RandomSelector(seed: 7),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public void Every_selector_returns_distinct_ascending_indices_for_every_budget(string name)
    {
        IVisualTokenSelector selector = Create(name);
        Assert.Equal(name, selector.Name);
        foreach (int budget in new[] { 1, 2, 3, 31, 64, 100, 143, 144, 300, 575, 576 })
        {
            var kept = new int[budget];
            selector.SelectTokens(Grid.Tokens(), budget, kept);

            Assert.All(kept, i => Assert.InRange(i, 0, Grid.Count - 1));
            for (int k = 1; k < budget; k++)
            {
                Assert.True(kept[k - 1] < kept[k], $"{name}, budget {budget}: not strictly ascending at {k}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Selectors))]
    public void Every_selector_rejects_budgets_outside_one_to_n(string name)
    {
        IVisualTokenSelector selector = Create(name);
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.SelectTokens(Grid.Tokens(), 0, new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.SelectTokens(Grid.Tokens(), 577, new int[577]));
    }

    [Fact]
    public void Uniform_keeps_every_other_row_and_column_at_a_quarter_budget()
    {
        var kept = new int[144];
        new UniformSpatialSelector().SelectTokens(Grid.Tokens(), 144, kept);

        int[] expected = [.. from y in Enumerable.Range(0, 12) from x in Enumerable.Range(0, 12) select ((2 * y) + 1) * 24 + (2 * x) + 1];
        Assert.Equal(expected, kept);
    }

    [Fact]
    public void Uniform_spreads_a_budget_over_a_wide_grid()
    {
        // 6 rows of 32: 12 tokens form the squarest lattice, 2 rows (spacing 3) of 6 columns (spacing 5.3), at cell centres.
        var tokens = new VisualTokens<float>(new float[192], 1, gridWidth: 32);
        var kept = new int[12];
        new UniformSpatialSelector().SelectTokens(tokens, 12, kept);

        int[] columns = [2, 8, 13, 18, 24, 29];
        Assert.Equal([.. columns.Select(x => 32 + x), .. columns.Select(x => (4 * 32) + x)], kept);
    }

    [Fact]
    public void Random_is_reproducible_per_seed_and_differs_across_seeds()
    {
        var first = new int[64];
        var again = new int[64];
        var other = new int[64];
        new RandomSelector(seed: 3).SelectTokens(Grid.Tokens(), 64, first);
        new RandomSelector(seed: 3).SelectTokens(Grid.Tokens(), 64, again);
        new RandomSelector(seed: 4).SelectTokens(Grid.Tokens(), 64, other);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Random_choices_cover_the_grid_evenly_over_many_seeds()
    {
        var hits = new int[Grid.Count];
        var kept = new int[64];
        for (ulong seed = 0; seed < 900; seed++)
        {
            new RandomSelector(seed).SelectTokens(Grid.Tokens(), 64, kept);
            foreach (int i in kept)
            {
                hits[i]++;
            }
        }

        // Expected 100 per token (binomial, sd about 9.4); 60 and 140 are more than 4 sd away.
        Assert.All(hits, h => Assert.InRange(h, 60, 140));
    }

    [Fact]
    public void DivPrune_keeps_one_token_of_each_duplicated_direction()
    {
        (double[] features, double[] importance, int[] group) = VisPrunerSelectorTests.PlantedDuplicates(seed: 9, dim: 48);
        int groups = group.Max() + 1;
        var kept = new int[groups];

        new DivPruneSelector().SelectTokens(new VisualTokens<double>(features, 48, importance), groups, kept);

        Assert.Equal(Enumerable.Range(0, groups), kept.Select(t => group[t]).Order());
    }

    [Fact]
    public void DivPrune_never_repeats_a_token_when_only_duplicates_remain()
    {
        var features = new double[40 * 4];
        for (int t = 0; t < 40; t++)
        {
            features[(t * 4) + (t % 2)] = 1.0;
        }

        var kept = new int[10];
        new DivPruneSelector().SelectTokens(new VisualTokens<double>(features, 4), 10, kept);

        Assert.Equal(10, kept.Distinct().Count());
        Assert.Equal(2, kept.Select(t => t % 2).Distinct().Count());
    }

    [Fact]
    public void Batches_equal_one_call_per_item()
    {
        const int items = 3, n = 144, dim = 16, budget = 20;
        SeededTokens input = SeededTokens.Clustered(seed: 2, count: items * n, dimension: dim, heads: 1);
        var batched = new int[items * budget];
        var selector = new VisPrunerSelector();

        selector.SelectTokensBatch<double>(input.Features, input.Importance, items, dim, budget, batched);

        for (int item = 0; item < items; item++)
        {
            var single = new int[budget];
            selector.SelectTokens(
                new VisualTokens<double>(input.Features.AsSpan(item * n * dim, n * dim), dim, input.Importance.AsSpan(item * n, n)),
                budget,
                single);
            Assert.Equal(single, batched.AsSpan(item * budget, budget).ToArray());
        }
    }

    [Fact]
    public void Batches_with_mismatched_importance_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(
            () => new VisPrunerSelector().SelectTokensBatch<float>(new float[2 * 9 * 4], new float[17], 2, 4, 3, new int[6]));
        Assert.Equal("importance", ex.ParamName);
    }
}
