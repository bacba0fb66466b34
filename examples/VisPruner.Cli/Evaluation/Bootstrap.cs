namespace VisPruner.Cli.Evaluation;

/// <summary>
/// Seeded percentile bootstrap over questions: each resample draws as many questions as there are, with replacement,
/// and the interval is the 2.5th to 97.5th percentile of the statistic over the resamples. The same seed gives the same
/// intervals on every run, so a report can be reproduced exactly.
/// </summary>
internal static class Bootstrap
{
    /// <summary>The number of resamples.</summary>
    public const int Resamples = 2000;

    /// <summary>The seed of the resampling.</summary>
    public const int Seed = 1;

    /// <summary>The accuracy of <paramref name="outcomes"/> (right = true) with its interval.</summary>
    public static Estimate Accuracy(IReadOnlyList<bool> outcomes) =>
        Resample(outcomes.Count, (indices, n) => Mean(outcomes, indices, n));

    /// <summary>
    /// Accuracy of <paramref name="first"/> minus that of <paramref name="second"/>, both answered on the same questions
    /// in the same order; each resample draws the same questions for both (a paired bootstrap), so what the two share
    /// cancels out.
    /// </summary>
    /// <exception cref="ArgumentException">The two lists differ in length.</exception>
    public static Estimate PairedDifference(IReadOnlyList<bool> first, IReadOnlyList<bool> second)
    {
        if (first.Count != second.Count)
        {
            throw new ArgumentException($"Paired outcomes must have equal lengths ({first.Count} and {second.Count}).", nameof(second));
        }

        return Resample(first.Count, (indices, n) => Mean(first, indices, n) - Mean(second, indices, n));
    }

    private static Estimate Resample(int count, Func<int[]?, int, double> statistic)
    {
        if (count == 0)
        {
            return new Estimate(0, 0, 0, 0);
        }

        var random = new Random(Seed);
        int[] indices = new int[count];
        double[] values = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            for (int i = 0; i < count; i++)
            {
                indices[i] = random.Next(count);
            }

            values[r] = statistic(indices, count);
        }

        Array.Sort(values);
        return new Estimate(statistic(null, count), values[(int)(0.025 * Resamples)], values[(int)(0.975 * Resamples) - 1], count);
    }

    // The mean of the outcomes at the drawn indices, or of all of them when indices is null.
    private static double Mean(IReadOnlyList<bool> outcomes, int[]? indices, int count)
    {
        int right = 0;
        for (int i = 0; i < count; i++)
        {
            right += outcomes[indices is null ? i : indices[i]] ? 1 : 0;
        }

        return (double)right / count;
    }
}
