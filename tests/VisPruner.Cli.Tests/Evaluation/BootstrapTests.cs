using VisPruner.Cli.Evaluation;

namespace VisPruner.Cli.Tests.Evaluation;

/// <summary>
/// The eval's intervals, checked against the textbook normal approximation (an external oracle for a proportion's 95%
/// interval when n·p·(1-p) is large) over generated outcome lists, and the paired difference's defining properties.
/// </summary>
public sealed class BootstrapTests
{
    [Fact]
    public void Accuracy_intervals_match_the_normal_approximation_over_generated_sets()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 40; trial++)
        {
            int n = random.Next(300, 3000);
            double p = 0.2 + (0.6 * random.NextDouble());
            bool[] outcomes = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() < p)];
            Estimate estimate = Bootstrap.Accuracy(outcomes);

            double mean = outcomes.Count(o => o) / (double)n, halfWidth = 1.96 * Math.Sqrt(mean * (1 - mean) / n);
            Assert.Equal(mean, estimate.Value, 12);
            Assert.Equal(n, estimate.Count);
            Assert.InRange(estimate.Low, mean - halfWidth - 0.006, mean - halfWidth + 0.006);
            Assert.InRange(estimate.High, mean + halfWidth - 0.006, mean + halfWidth + 0.006);
        }
    }

    [Fact]
    public void Intervals_are_seeded_so_a_report_reproduces()
    {
        bool[] outcomes = [.. Enumerable.Range(0, 623).Select(i => i % 3 != 0)];
        Assert.Equal(Bootstrap.Accuracy(outcomes), Bootstrap.Accuracy(outcomes));
    }

    [Fact]
    public void Identical_answers_differ_by_exactly_nothing()
    {
        bool[] outcomes = [.. Enumerable.Range(0, 500).Select(i => i % 7 < 4)];
        Estimate difference = Bootstrap.PairedDifference(outcomes, outcomes);
        Assert.Equal((0.0, 0.0, 0.0), (difference.Value, difference.Low, difference.High));
        Assert.False(difference.ExcludesZero);
    }

    [Fact]
    public void Pairing_detects_a_small_consistent_gain_that_unpaired_intervals_would_hide()
    {
        // The second selector loses 20 of 600 questions the first gets right and gains none: a 3.3-point gain that the
        // two accuracies' own intervals (about +-4 points each) overlap on, but which pairing shows is real.
        bool[] first = [.. Enumerable.Range(0, 600).Select(i => i % 2 == 0)];
        bool[] second = [.. first.Select((o, i) => o && i >= 40)];
        Estimate difference = Bootstrap.PairedDifference(first, second);
        Estimate a = Bootstrap.Accuracy(first), b = Bootstrap.Accuracy(second);

        Assert.Equal(20 / 600.0, difference.Value, 12);
        Assert.True(difference.Low > 0, $"paired interval {difference.Points()}");
        Assert.True(a.Low < b.High, "the unpaired intervals overlap");
    }

    [Fact]
    public void Pairs_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Bootstrap.PairedDifference([true, false], [true]));
        Assert.Equal("second", error.ParamName);
    }

    [Fact]
    public void Formats_name_the_interval_and_star_significant_differences()
    {
        Assert.Equal("62.5% [58.0, 67.0]", new Estimate(0.625, 0.58, 0.67, 600).Percent());
        Assert.Equal("+4.2 [1.0, 7.5]*", new Estimate(0.042, 0.01, 0.075, 600).Points());
        Assert.Equal("-1.0 [-3.0, 1.0]", new Estimate(-0.01, -0.03, 0.01, 600).Points());
    }
}
