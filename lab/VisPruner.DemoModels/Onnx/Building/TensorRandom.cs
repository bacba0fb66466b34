namespace VisPruner.Onnx;

/// <summary>Deterministic random tensors for tests and tiny models: the same seed gives the same values.</summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class TensorRandom
{
    private readonly Random _random;

    /// <summary>Creates a generator from <paramref name="seed"/>.</summary>
    public TensorRandom(int seed) => _random = new Random(seed);

    /// <summary>Samples from a normal distribution (Box-Muller).</summary>
    public float[] Normal(long count, float mean = 0f, float std = 1f)
    {
        var values = new float[checked((int)count)];
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - _random.NextDouble(); // (0, 1]: keeps the log finite
            double u2 = _random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = (float)(mean + std * radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(mean + std * radius * Math.Sin(2 * Math.PI * u2));
            }
        }

        return values;
    }

    /// <summary>Samples uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public float[] Uniform(long count, float low = 0f, float high = 1f)
    {
        var values = new float[checked((int)count)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(low + (high - low) * _random.NextDouble());
        }

        return values;
    }

    /// <summary>Samples integers uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public long[] Integers(long count, long low, long high)
    {
        var values = new long[checked((int)count)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = _random.NextInt64(low, high);
        }

        return values;
    }
}
