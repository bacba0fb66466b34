namespace VisPruner.Internal;

/// <summary>A tiny, allocation-free pseudo-random generator (SplitMix64) whose sequence is fixed across platforms and runtimes.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns a value in [0, <paramref name="bound"/>) without modulo bias (Lemire's method).</summary>
    public ulong NextBelow(ulong bound)
    {
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong high = Math.BigMul(Next(), bound, out ulong low);
            if (low >= threshold)
            {
                return high;
            }
        }
    }

    /// <summary>Returns a double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
