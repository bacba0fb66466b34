using System.Numerics;
using VisPruner.Importance;
using VisPruner.Internal;

namespace VisPruner.Tests;

/// <summary>Seeded test inputs, generated exactly as described in Fixtures/README.md.</summary>
internal sealed class SeededTokens
{
    private SeededTokens(int count, int dimension, int heads, double[] features, double[] attention)
    {
        Count = count;
        Dimension = dimension;
        Heads = heads;
        Features = features;
        Attention = attention;
        Importance = new double[count];
        ClsAttention.HeadMean<double>(attention, heads, Importance);
    }

    public int Count { get; }

    public int Dimension { get; }

    public int Heads { get; }

    public double[] Features { get; }

    /// <summary>Per-head [CLS] attention [heads x count], [CLS] key dropped.</summary>
    public double[] Attention { get; }

    public double[] Importance { get; }

    /// <summary>Clustered features (so duplicates matter) and cubed-uniform attention.</summary>
    public static SeededTokens Clustered(ulong seed, int count, int dimension, int heads)
    {
        var rng = new SplitMix64(seed);
        int clusters = Math.Max(2, count / 12);
        var centres = new double[clusters * dimension];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (2.0 * rng.NextDouble()) - 1.0;
        }

        var features = new double[count * dimension];
        for (int n = 0; n < count; n++)
        {
            int k = (int)(rng.NextDouble() * clusters);
            for (int i = 0; i < dimension; i++)
            {
                features[(n * dimension) + i] = centres[(k * dimension) + i] + (0.5 * ((2.0 * rng.NextDouble()) - 1.0));
            }
        }

        return new SeededTokens(count, dimension, heads, features, CubedUniform(ref rng, heads * count));
    }

    /// <summary>Independent uniform features: all similarities and importances are well separated.</summary>
    public static SeededTokens Uniform(ulong seed, int count, int dimension, int heads)
    {
        var rng = new SplitMix64(seed);
        var features = new double[count * dimension];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (2.0 * rng.NextDouble()) - 1.0;
        }

        return new SeededTokens(count, dimension, heads, features, CubedUniform(ref rng, heads * count));
    }

    public VisualTokens<double> Tokens() => new(Features, Dimension, Importance);

    public T[] FeaturesAs<T>()
        where T : IFloatingPointIeee754<T> => Array.ConvertAll(Features, T.CreateTruncating);

    public T[] ImportanceAs<T>()
        where T : IFloatingPointIeee754<T> => Array.ConvertAll(Importance, T.CreateTruncating);

    private static double[] CubedUniform(ref SplitMix64 rng, int length)
    {
        var values = new double[length];
        for (int i = 0; i < values.Length; i++)
        {
            double u = rng.NextDouble();
            values[i] = u * u * u;
        }

        return values;
    }
}
