namespace VisPruner.Engine.Caching;

/// <summary>
/// A thread-safe least-recently-used cache bounded by the total size of its values (for example vision features,
/// whose size is their byte count). A value larger than the whole budget is not cached.
/// </summary>
internal sealed class BoundedLruCache<TKey, TValue>(long capacity, Func<TValue, long> sizeOf)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value, long Size)>> _index = [];
    private readonly LinkedList<(TKey Key, TValue Value, long Size)> _recency = new();
    private readonly Lock _gate = new();
    private long _size;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_gate)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public void Add(TKey key, TValue value)
    {
        long size = sizeOf(value);
        if (size > capacity)
        {
            return;
        }

        lock (_gate)
        {
            if (_index.Remove(key, out var existing))
            {
                _recency.Remove(existing);
                _size -= existing.Value.Size;
            }

            while (_size + size > capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _index.Remove(oldest.Value.Key);
                _size -= oldest.Value.Size;
            }

            _index[key] = _recency.AddFirst((key, value, size));
            _size += size;
        }
    }
}
