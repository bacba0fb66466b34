using VisPruner.Importance;
using VisPruner.Internal;

namespace VisPruner.Tests.Importance;

public sealed class ImportanceTests
{
    private const int Heads = 3, Patches = 4, Keys = Patches + 1;

    // Softmax-like rows: value(h, q, k) = (1 + h + 2q + 3k) / 100.
    private static double P(int h, int q, int k) => (1 + h + (2 * q) + (3 * k)) / 100.0;

    [Fact]
    public void Cls_attention_from_full_probabilities_averages_the_cls_row_over_heads_without_the_cls_key()
    {
        double[] probabilities = new double[Heads * Keys * Keys];
        for (int h = 0; h < Heads; h++)
        {
            for (int q = 0; q < Keys; q++)
            {
                for (int k = 0; k < Keys; k++)
                {
                    probabilities[(((h * Keys) + q) * Keys) + k] = P(h, q, k);
                }
            }
        }

        var importance = new double[Patches];
        ClsAttention.FromProbabilities<double>(probabilities, Heads, importance);

        for (int n = 0; n < Patches; n++)
        {
            double expected = (P(0, 0, n + 1) + P(1, 0, n + 1) + P(2, 0, n + 1)) / 3;
            Assert.Equal(expected, importance[n], 1e-15);
        }
    }

    [Fact]
    public void Cls_attention_from_cls_rows_matches_full_probabilities()
    {
        double[] rows = new double[Heads * Keys];
        for (int h = 0; h < Heads; h++)
        {
            for (int k = 0; k < Keys; k++)
            {
                rows[(h * Keys) + k] = P(h, 0, k);
            }
        }

        var importance = new double[Patches];
        ClsAttention.FromClsRows<double>(rows, Heads, importance);

        Assert.Equal([0.05, 0.08, 0.11, 0.14], importance.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Head_mean_averages_per_head_rows()
    {
        var importance = new float[2];
        ClsAttention.HeadMean<float>([1f, 2f, 3f, 6f], heads: 2, importance);

        Assert.Equal([2f, 4f], importance);
    }

    [Fact]
    public void Attention_of_the_wrong_shape_is_rejected_with_the_argument_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => ClsAttention.FromProbabilities<double>(new double[Heads * Keys * Keys - 1], Heads, new double[Patches]));
        Assert.Equal("probabilities", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => ClsAttention.FromClsRows<double>(new double[Heads * Patches], Heads, new double[Patches]));
        Assert.Equal("clsRows", ex.ParamName);
    }

    [Fact]
    public void Received_attention_averages_over_queries_then_heads()
    {
        const int n = 3;
        double[] probabilities = new double[2 * n * n];
        var rng = new SplitMix64(1);
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = rng.NextDouble();
        }

        var importance = new double[n];
        ReceivedAttention.Mean<double>(probabilities, heads: 2, importance);

        for (int k = 0; k < n; k++)
        {
            double perHead0 = (probabilities[k] + probabilities[n + k] + probabilities[(2 * n) + k]) / n;
            double perHead1 = (probabilities[(n * n) + k] + probabilities[(n * n) + n + k] + probabilities[(n * n) + (2 * n) + k]) / n;
            Assert.Equal((perHead0 + perHead1) / 2, importance[k], 1e-14);
        }
    }

    [Fact]
    public void Merged_importance_sums_each_two_by_two_block()
    {
        // 4 x 4 grid with value y * 4 + x.
        double[] grid = [.. Enumerable.Range(0, 16).Select(v => (double)v)];
        var merged = new double[4];

        PatchMerge.SumImportance<double>(grid, gridWidth: 4, factor: 2, merged);

        Assert.Equal([0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9 + 12 + 13, 10 + 11 + 14 + 15], merged);
    }

    [Fact]
    public void Merged_features_concatenate_each_block_in_row_major_order()
    {
        // 2 x 4 grid of 2-wide features: patch (y, x) = [10y + x, -(10y + x)].
        double[] features = [.. from p in Enumerable.Range(0, 8) let v = (10 * (p / 4)) + (p % 4) from c in new[] { v, -v } select (double)c];
        var merged = new double[2 * 8];

        PatchMerge.ConcatenateFeatures<double>(features, gridWidth: 4, dimension: 2, factor: 2, merged);

        Assert.Equal([0, -0, 1, -1, 10, -10, 11, -11, 2, -2, 3, -3, 12, -12, 13, -13], merged);
    }

    [Fact]
    public void A_grid_that_does_not_divide_by_the_factor_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => PatchMerge.SumImportance<double>(new double[15], gridWidth: 5, factor: 2, new double[4]));
        Assert.Equal("importance", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => PatchMerge.SumImportance<double>(new double[16], gridWidth: 4, factor: 2, new double[3]));
        Assert.Equal("merged", ex.ParamName);
    }
}
