using VisPruner.Selection;

namespace VisPruner.Tests.Selection;

public sealed class VisPrunerSelectorTests
{
    private static readonly SeededTokens Small = SeededTokens.Clustered(seed: 11, count: 144, dimension: 48, heads: 4);

    public static TheoryData<double> Ratios => [0.0, 0.3, 0.5, 0.75, 1.0];

    [Theory]
    [MemberData(nameof(Ratios))]
    public void Every_budget_returns_exactly_that_many_distinct_ascending_indices(double ratio)
    {
        // Includes the budgets where the reference fails: odd first residual counts and diverse budgets below 8.
        var selector = new VisPrunerSelector(ratio);
        for (int budget = 1; budget <= Small.Count; budget++)
        {
            var kept = new int[budget];
            selector.SelectTokens(Small.Tokens(), budget, kept);

            Assert.All(kept, i => Assert.InRange(i, 0, Small.Count - 1));
            for (int k = 1; k < budget; k++)
            {
                Assert.True(kept[k - 1] < kept[k], $"budget {budget}: indices not strictly ascending at {k}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ratios))]
    public void The_most_attended_tokens_are_always_kept(double ratio)
    {
        var selector = new VisPrunerSelector(ratio);
        int[] byImportance = Enumerable.Range(0, Small.Count).OrderByDescending(i => Small.Importance[i]).ToArray();
        foreach (int budget in new[] { 1, 7, 16, 33, 64, 100, 144 })
        {
            var kept = new int[budget];
            selector.SelectTokens(Small.Tokens(), budget, kept);

            Assert.Subset(kept.ToHashSet(), byImportance.Take(selector.ImportantCount(budget)).ToHashSet());
        }
    }

    [Fact]
    public void Ratio_one_is_plain_top_budget_by_importance()
    {
        foreach (int budget in new[] { 1, 10, 64, 143 })
        {
            var kept = new int[budget];
            new VisPrunerSelector(1.0).SelectTokens(Small.Tokens(), budget, kept);

            int[] expected = Enumerable.Range(0, Small.Count).OrderByDescending(i => Small.Importance[i]).Take(budget).Order().ToArray();
            Assert.Equal(expected, kept);
        }
    }

    [Fact]
    public void Repeated_calls_are_deterministic()
    {
        var selector = new VisPrunerSelector();
        var first = new int[40];
        var second = new int[40];
        selector.SelectTokens(Small.Tokens(), 40, first);
        selector.SelectTokens(Small.Tokens(), 40, second);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Float_and_double_agree_on_well_separated_inputs()
    {
        SeededTokens input = SeededTokens.Uniform(seed: 5, count: 196, dimension: 96, heads: 8);
        foreach (int budget in new[] { 16, 48, 98 })
        {
            var fromDouble = new int[budget];
            var fromFloat = new int[budget];
            new VisPrunerSelector().SelectTokens(input.Tokens(), budget, fromDouble);
            new VisPrunerSelector().SelectTokens(
                new VisualTokens<float>(input.FeaturesAs<float>(), input.Dimension, input.ImportanceAs<float>()), budget, fromFloat);

            Assert.Equal(fromDouble, fromFloat);
        }
    }

    [Fact]
    public void Budget_equal_to_the_token_count_keeps_everything()
    {
        var kept = new int[Small.Count];
        new VisPrunerSelector().SelectTokens(Small.Tokens(), Small.Count, kept);

        Assert.Equal(Enumerable.Range(0, Small.Count), kept);
    }

    [Fact]
    public void Duplicate_removal_keeps_more_distinct_content_than_importance_alone()
    {
        // A redundant image: 8 background directions copied 8 times each, plus 32 unique tokens, at random positions
        // with random importance. Averaged over seeds, the diverse half of the budget must cover clearly more distinct
        // directions than spending the whole budget on importance.
        const int dim = 48, budget = 32;
        int visPrunerGroups = 0, topKGroups = 0;
        for (ulong seed = 1; seed <= 20; seed++)
        {
            (double[] features, double[] importance, int[] group) = PlantedDuplicates(seed, dim);
            var tokens = new VisualTokens<double>(features, dim, importance);
            var kept = new int[budget];

            new VisPrunerSelector().SelectTokens(tokens, budget, kept);
            visPrunerGroups += kept.Select(t => group[t]).Distinct().Count();
            new ClsAttentionTopKSelector().SelectTokens(tokens, budget, kept);
            topKGroups += kept.Select(t => group[t]).Distinct().Count();
        }

        Assert.True(visPrunerGroups > topKGroups * 1.2, $"VisPruner covered {visPrunerGroups} groups over 20 seeds, top-k {topKGroups}.");
    }

    internal static (double[] Features, double[] Importance, int[] Group) PlantedDuplicates(ulong seed, int dim)
    {
        const int background = 8, copies = 8, unique = 32;
        var rng = new VisPruner.Internal.SplitMix64(seed);
        int n = (background * copies) + unique;
        int groups = background + unique;
        var group = new int[n];
        for (int t = 0; t < n; t++)
        {
            group[t] = t < background * copies ? t % background : background + (t - (background * copies));
        }

        for (int t = n - 1; t > 0; t--)
        {
            int j = (int)rng.NextBelow((ulong)(t + 1));
            (group[t], group[j]) = (group[j], group[t]);
        }

        var directions = new double[groups * dim];
        for (int i = 0; i < directions.Length; i++)
        {
            directions[i] = (2.0 * rng.NextDouble()) - 1.0;
        }

        var features = new double[n * dim];
        var importance = new double[n];
        for (int t = 0; t < n; t++)
        {
            directions.AsSpan(group[t] * dim, dim).CopyTo(features.AsSpan(t * dim, dim));
            importance[t] = rng.NextDouble();
        }

        return (features, importance, group);
    }

    [Fact]
    public void A_zero_feature_vector_is_allowed()
    {
        double[] features = (double[])Small.Features.Clone();
        Array.Clear(features, 5 * Small.Dimension, Small.Dimension);
        var kept = new int[50];

        new VisPrunerSelector().SelectTokens(new VisualTokens<double>(features, Small.Dimension, Small.Importance), 50, kept);

        Assert.Equal(50, kept.Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(145)]
    [InlineData(-3)]
    public void Budgets_outside_one_to_n_are_rejected(int budget)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new VisPrunerSelector().SelectTokens(Small.Tokens(), budget, new int[200]));
        Assert.Equal("budget", ex.ParamName);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Ratios_outside_zero_to_one_are_rejected(double ratio)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new VisPrunerSelector(ratio));
        Assert.Equal("importantRatio", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_features_are_rejected(double bad)
    {
        double[] features = (double[])Small.Features.Clone();
        int[] byImportance = Enumerable.Range(0, Small.Count).OrderBy(i => Small.Importance[i]).ToArray();
        features[(byImportance[0] * Small.Dimension) + 3] = bad;

        var ex = Assert.Throws<ArgumentException>(() => new VisPrunerSelector().SelectTokens(
            new VisualTokens<double>(features, Small.Dimension, Small.Importance), 32, new int[32]));
        Assert.Equal("tokens", ex.ParamName);
        Assert.Contains($"token {byImportance[0]}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_importance_is_rejected()
    {
        double[] importance = (double[])Small.Importance.Clone();
        importance[17] = double.NaN;

        var ex = Assert.Throws<ArgumentException>(() => new VisPrunerSelector().SelectTokens(
            new VisualTokens<double>(Small.Features, Small.Dimension, importance), 32, new int[32]));
        Assert.Contains("element 17", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_importance_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VisPrunerSelector().SelectTokens(
            new VisualTokens<double>(Small.Features, Small.Dimension), 32, new int[32]));
        Assert.Equal("tokens", ex.ParamName);
    }

    [Fact]
    public void A_short_destination_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VisPrunerSelector().SelectTokens(Small.Tokens(), 32, new int[31]));
        Assert.Equal("destination", ex.ParamName);
    }
}
