namespace VisPruner.Tokenizers.Models;

/// <summary>
/// The symbols of one word while merges are applied: a linked list over arrays, with a priority queue of
/// candidate merges ordered by (rank, position). Reused per thread so encoding allocates nothing once warm.
/// </summary>
internal sealed class BpeWord
{
    private int[] _ids = new int[64];
    private int[] _previous = new int[64];
    private int[] _next = new int[64];
    private bool[] _removed = new bool[64];
    private int _count;
    private readonly PriorityQueue<(int Position, int NewId), long> _queue = new();

    public void Reset() => _count = 0;

    public void Add(int id)
    {
        if (_count == _ids.Length)
        {
            var size = _count * 2;
            Array.Resize(ref _ids, size);
            Array.Resize(ref _previous, size);
            Array.Resize(ref _next, size);
            Array.Resize(ref _removed, size);
        }

        _ids[_count] = id;
        _previous[_count] = _count - 1;
        _next[_count] = _count + 1;
        _removed[_count] = false;
        _count++;
    }

    public void MergeAll(Dictionary<long, (int Rank, int NewId)> merges)
    {
        if (_count < 2)
        {
            return;
        }

        _queue.Clear();
        for (var i = 0; i + 1 < _count; i++)
        {
            Enqueue(merges, i, i + 1);
        }

        while (_queue.TryDequeue(out var merge, out _))
        {
            var position = merge.Position;
            var right = _next[position];
            if (_removed[position] || right >= _count)
            {
                continue;
            }

            // Entries go stale when a neighbour merged after they were queued; the pair must still produce the same token.
            if (!merges.TryGetValue(BpeModel.PairKey(_ids[position], _ids[right]), out var current) || current.NewId != merge.NewId)
            {
                continue;
            }

            _ids[position] = merge.NewId;
            _removed[right] = true;
            var afterRight = _next[right];
            _next[position] = afterRight;
            if (afterRight < _count)
            {
                _previous[afterRight] = position;
            }

            if (_previous[position] >= 0)
            {
                Enqueue(merges, _previous[position], position);
            }

            if (afterRight < _count)
            {
                Enqueue(merges, position, afterRight);
            }
        }
    }

    public void AppendIds(List<int> output)
    {
        for (var i = 0; i < _count; i = _next[i])
        {
            output.Add(_ids[i]);
        }
    }

    private void Enqueue(Dictionary<long, (int Rank, int NewId)> merges, int left, int right)
    {
        if (merges.TryGetValue(BpeModel.PairKey(_ids[left], _ids[right]), out var merge))
        {
            _queue.Enqueue((left, merge.NewId), ((long)merge.Rank << 32) | (uint)left);
        }
    }
}
