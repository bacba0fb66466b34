using System.Buffers;

namespace VisPruner.Internal;

/// <summary>Scratch memory rented from the shared pool, so steady-state selection does not allocate.</summary>
internal readonly struct PooledArray<T> : IDisposable
{
    private readonly T[] _array;
    private readonly int _length;

    public PooledArray(int length)
    {
        _array = ArrayPool<T>.Shared.Rent(length);
        _length = length;
    }

    public Span<T> Span => _array.AsSpan(0, _length);

    public void Dispose() => ArrayPool<T>.Shared.Return(_array);
}
