using System.Numerics.Tensors;
using VisPruner.Internal;

namespace VisPruner.Engine.Sampling;

/// <summary>
/// Chooses the next token from the logits of one step: repetition penalty, then greedy or temperature / top-k / top-p
/// sampling. One instance serves one request; its scratch is allocated once, so steps do not allocate.
/// </summary>
internal sealed class TokenSampler
{
    private readonly SamplingSettings _settings;
    private readonly Random _random;
    private readonly bool[] _seen;
    private readonly int[] _candidates;
    private readonly float[] _keys;
    private readonly float[] _weights;

    public TokenSampler(int vocabularySize, SamplingSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        _settings = settings;
        _random = settings.Seed is int seed ? new Random(seed) : Random.Shared;
        _seen = new bool[vocabularySize];
        int candidates = settings.IsGreedy ? 0 : settings.TopK > 0 ? Math.Min(settings.TopK, vocabularySize) : vocabularySize;
        _candidates = new int[candidates];
        _keys = new float[candidates];
        _weights = new float[candidates];
    }

    /// <summary>Records a token of the context (prompt or generated) for the repetition penalty.</summary>
    public void Observe(int token)
    {
        if ((uint)token < (uint)_seen.Length)
        {
            _seen[token] = true;
        }
    }

    /// <summary>Picks the next token. <paramref name="logits"/> is modified in place.</summary>
    public int Next(Span<float> logits)
    {
        if (logits.Length != _seen.Length)
        {
            throw new ArgumentException($"Expected {_seen.Length} logits; got {logits.Length}.", nameof(logits));
        }

        ApplyRepetitionPenalty(logits);
        if (_settings.IsGreedy)
        {
            return TensorPrimitives.IndexOfMax<float>(logits);
        }

        int count = CollectCandidates(logits);
        Span<int> candidates = _candidates.AsSpan(0, count);
        Span<float> weights = _weights.AsSpan(0, count);

        // Candidates are sorted by descending logit, so candidate 0 holds the maximum: a stable softmax numerator.
        float inverseTemperature = (float)(1.0 / _settings.Temperature);
        float max = logits[candidates[0]];
        for (int i = 0; i < count; i++)
        {
            weights[i] = MathF.Exp((logits[candidates[i]] - max) * inverseTemperature);
        }

        float total = TensorPrimitives.Sum<float>(weights);
        int kept = count;
        if (_settings.TopP < 1.0)
        {
            float threshold = (float)(_settings.TopP * total);
            float cumulative = 0;
            for (kept = 0; kept < count && cumulative < threshold; kept++)
            {
                cumulative += weights[kept];
            }

            total = cumulative;
        }

        float draw = (float)(_random.NextDouble() * total);
        for (int i = 0; i < kept; i++)
        {
            draw -= weights[i];
            if (draw < 0)
            {
                return candidates[i];
            }
        }

        return candidates[kept - 1];
    }

    private void ApplyRepetitionPenalty(Span<float> logits)
    {
        float penalty = (float)_settings.RepetitionPenalty;
        if (penalty == 1f)
        {
            return;
        }

        for (int token = 0; token < logits.Length; token++)
        {
            if (_seen[token])
            {
                logits[token] = logits[token] > 0 ? logits[token] / penalty : logits[token] * penalty;
            }
        }
    }

    /// <summary>Fills the candidate list with the top-k (or all) token ids, by descending logit, ties by ascending id.</summary>
    private int CollectCandidates(ReadOnlySpan<float> logits)
    {
        int capacity = _candidates.Length;
        if (capacity == logits.Length)
        {
            for (int i = 0; i < capacity; i++)
            {
                _candidates[i] = i;
                _keys[i] = -logits[i];
            }

            SortByKey(capacity);
            return capacity;
        }

        // A bounded min-heap on (logit, -id) keeps the k best in O(V log k).
        int size = 0;
        for (int id = 0; id < logits.Length; id++)
        {
            if (size < capacity)
            {
                _candidates[size] = id;
                SiftUp(logits, size++);
            }
            else if (logits[id] > logits[_candidates[0]])
            {
                _candidates[0] = id;
                SiftDown(logits, 0, size);
            }
        }

        for (int i = 0; i < size; i++)
        {
            _keys[i] = -logits[_candidates[i]];
        }

        SortByKey(size);
        return size;
    }

    private void SortByKey(int count) =>
        DescendingOrder.SortByNegatedKeys<float>(_keys.AsSpan(0, count), _candidates.AsSpan(0, count));

    // Heap order: the root is the worst candidate (lowest logit; among equals, the highest id).
    private static bool Worse(ReadOnlySpan<float> logits, int a, int b) =>
        logits[a] < logits[b] || (logits[a] == logits[b] && a > b);

    private void SiftUp(ReadOnlySpan<float> logits, int index)
    {
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Worse(logits, _candidates[index], _candidates[parent]))
            {
                return;
            }

            (_candidates[index], _candidates[parent]) = (_candidates[parent], _candidates[index]);
            index = parent;
        }
    }

    private void SiftDown(ReadOnlySpan<float> logits, int index, int size)
    {
        while (true)
        {
            int worst = index;
            int left = (2 * index) + 1;
            int right = left + 1;
            if (left < size && Worse(logits, _candidates[left], _candidates[worst]))
            {
                worst = left;
            }

            if (right < size && Worse(logits, _candidates[right], _candidates[worst]))
            {
                worst = right;
            }

            if (worst == index)
            {
                return;
            }

            (_candidates[index], _candidates[worst]) = (_candidates[worst], _candidates[index]);
            index = worst;
        }
    }
}
