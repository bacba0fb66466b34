using VisPruner.Engine.Sampling;

namespace VisPruner.Engine.Tests.Sampling;

public sealed class TokenSamplerTests
{
    private const int Vocabulary = 1000;

    private static float[] Logits(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Vocabulary).Select(_ => (float)(random.NextDouble() * 8 - 4))];
    }

    private static int[] Draw(SamplingSettings settings, int steps, int logitsSeed = 1)
    {
        var sampler = new TokenSampler(Vocabulary, settings);
        return [.. Enumerable.Range(0, steps).Select(step => sampler.Next(Logits(logitsSeed + step)))];
    }

    private static int ArgMax(float[] logits) => Array.IndexOf(logits, logits.Max());

    [Fact]
    public void Greedy_takes_the_most_likely_token()
    {
        int[] tokens = Draw(new SamplingSettings(false, 1, 0, 1, 1, null), steps: 20);

        Assert.Equal(Enumerable.Range(1, 20).Select(s => ArgMax(Logits(s))), tokens);
    }

    [Fact]
    public void Top_k_of_one_equals_greedy_even_when_sampling()
    {
        Assert.Equal(
            Draw(new SamplingSettings(false, 1, 0, 1, 1, null), steps: 30),
            Draw(new SamplingSettings(true, 0.8, 1, 0.9, 1, Seed: 5), steps: 30));
    }

    [Fact]
    public void A_seed_reproduces_the_same_draws()
    {
        var settings = new SamplingSettings(true, 1.2, 0, 0.95, 1.1, Seed: 42);

        Assert.Equal(Draw(settings, steps: 50), Draw(settings, steps: 50));
        Assert.NotEqual(Draw(settings, steps: 50), Draw(settings with { Seed = 43 }, steps: 50));
    }

    [Fact]
    public void Top_k_only_draws_among_the_k_most_likely()
    {
        var sampler = new TokenSampler(Vocabulary, new SamplingSettings(true, 5.0, 3, 1, 1, Seed: 1));
        float[] logits = Logits(7);
        int[] top3 = [.. Enumerable.Range(0, Vocabulary).OrderByDescending(i => logits[i]).Take(3)];

        var drawn = Enumerable.Range(0, 300).Select(_ => sampler.Next((float[])logits.Clone())).ToHashSet();

        Assert.Subset(top3.ToHashSet(), drawn);
        Assert.Equal(3, drawn.Count);
    }

    [Fact]
    public void Top_p_only_draws_within_the_nucleus()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05 (as logits): p = 0.7 keeps the first two tokens.
        float[] logits = [MathF.Log(0.15f), MathF.Log(0.5f), MathF.Log(0.05f), MathF.Log(0.3f)];
        var sampler = new TokenSampler(4, new SamplingSettings(true, 1, 0, 0.7, 1, Seed: 3));

        int[] drawn = [.. Enumerable.Range(0, 2000).Select(_ => sampler.Next((float[])logits.Clone()))];

        Assert.Equal([1, 3], drawn.Distinct().Order());
        double shareOfFirst = drawn.Count(t => t == 1) / 2000.0;
        Assert.InRange(shareOfFirst, 0.5 / 0.8 - 0.04, 0.5 / 0.8 + 0.04);
    }

    [Fact]
    public void Sampling_follows_the_softmax_distribution_at_temperature_one()
    {
        float[] logits = [0f, MathF.Log(3f)];
        var sampler = new TokenSampler(2, new SamplingSettings(true, 1, 0, 1, 1, Seed: 9));

        double share = Enumerable.Range(0, 4000).Count(_ => sampler.Next((float[])logits.Clone()) == 1) / 4000.0;

        Assert.InRange(share, 0.73, 0.77);
    }

    [Fact]
    public void Repetition_penalty_demotes_seen_tokens()
    {
        float[] logits = [2.0f, 1.9f, -1.0f];
        var sampler = new TokenSampler(3, new SamplingSettings(false, 1, 0, 1, 1.2, null));
        sampler.Observe(0);

        Assert.Equal(1, sampler.Next(logits));
        Assert.Equal(2.0f / 1.2f, logits[0], 6);
        Assert.Equal(-1.0f, logits[2]);
    }

    [Fact]
    public void Logits_of_the_wrong_width_are_rejected()
    {
        var sampler = new TokenSampler(3, new SamplingSettings(false, 1, 0, 1, 1, null));
        var ex = Assert.Throws<ArgumentException>(() => sampler.Next(new float[4]));
        Assert.Equal("logits", ex.ParamName);
    }
}
