using BenchmarkDotNet.Attributes;
using VisPruner.Internal;
using VisPruner.Selection;

namespace VisPruner.Benchmarks.Selection;

/// <summary>
/// Token selection at LLaVA-1.5 shape (576 tokens x 1024, CLIP ViT-L/14-336), float32, one thread.
/// Target for VisPruner at T = 64, r = 0.5: median at most 8 ms and no allocation per call.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class SelectorBenchmarks
{
    private const int Tokens = 576, Dimension = 1024;
    private readonly int[] _kept = new int[Tokens];
    private readonly VisPrunerSelector _visPruner = new();
    private readonly ClsAttentionTopKSelector _clsTopK = new();
    private readonly DivPruneSelector _divPrune = new();
    private float[] _features = [];
    private float[] _importance = [];

    [Params(64, 192)]
    public int Budget { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Clustered features (so duplicate removal has work to do) and cubed-uniform attention, as in the parity tests.
        var rng = new SplitMix64(1);
        int clusters = Tokens / 12;
        var centres = new float[clusters * Dimension];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)((2 * rng.NextDouble()) - 1);
        }

        _features = new float[Tokens * Dimension];
        for (int t = 0; t < Tokens; t++)
        {
            int k = (int)(rng.NextDouble() * clusters);
            for (int i = 0; i < Dimension; i++)
            {
                _features[(t * Dimension) + i] = centres[(k * Dimension) + i] + (float)(0.5 * ((2 * rng.NextDouble()) - 1));
            }
        }

        _importance = new float[Tokens];
        for (int t = 0; t < Tokens; t++)
        {
            double u = rng.NextDouble();
            _importance[t] = (float)(u * u * u);
        }

        // The baseline must do the same work, or the ratio means nothing. In float32 its different rounding may swap
        // a few diverse tokens (the procedure is chaotic), so compare the budget and the importance-chosen tokens.
        Run(_visPruner);
        int[] baseline = RecomputePerRound();
        int important = _visPruner.ImportantCount(Budget);
        int[] top = [.. Enumerable.Range(0, Tokens).OrderByDescending(t => _importance[t]).Take(important)];
        if (baseline.Length != Budget || !top.All(baseline.Contains) || !top.All(_kept.AsSpan(0, Budget).ToArray().Contains))
        {
            throw new InvalidOperationException("The recompute-per-round baseline disagrees with VisPrunerSelector.");
        }
    }

    [Benchmark(Baseline = true, Description = "VisPruner r=0.5")]
    public int VisPruner() => Run(_visPruner);

    [Benchmark(Description = "VisPruner r=0.5, recompute per round")]
    public int[] RecomputePerRound() => RecomputePerRoundVisPruner.Select(_features, Dimension, _importance, Budget, 0.5);

    [Benchmark(Description = "[CLS] top-T")]
    public int ClsTopK() => Run(_clsTopK);

    [Benchmark(Description = "DivPrune")]
    public int DivPrune() => Run(_divPrune);

    private int Run(IVisualTokenSelector selector)
    {
        selector.SelectTokens(new VisualTokens<float>(_features, Dimension, _importance), Budget, _kept);
        return _kept[0];
    }
}
