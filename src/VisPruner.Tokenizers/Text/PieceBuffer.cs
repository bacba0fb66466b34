namespace VisPruner.Tokenizers.Text;

/// <summary>
/// Pre-tokenized pieces stored back to back in one growable char array. Reused across calls (one per
/// thread), so splitting text into words allocates nothing once the buffers have grown.
/// </summary>
internal sealed class PieceBuffer
{
    private char[] _chars = new char[256];
    private (int Start, int Length)[] _pieces = new (int, int)[32];

    /// <summary>Number of pieces.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the first piece begins at offset 0 of the original input (Metaspace's "first" scheme needs it).</summary>
    public bool StartsAtOrigin { get; set; }

    /// <summary>The characters of piece <paramref name="index"/>.</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var (start, length) = _pieces[index];
            return _chars.AsSpan(start, length);
        }
    }

    private int CharCount => Count == 0 ? 0 : _pieces[Count - 1].Start + _pieces[Count - 1].Length;

    public void Clear() => Count = 0;

    /// <summary>Appends a copy of <paramref name="piece"/>; empty pieces are dropped, as Hugging Face does.</summary>
    public void Add(ReadOnlySpan<char> piece)
    {
        if (piece.IsEmpty)
        {
            return;
        }

        piece.CopyTo(Reserve(piece.Length));
        Commit(piece.Length);
    }

    /// <summary>Room for a piece of at most <paramref name="maxLength"/> chars; finish with <see cref="Commit"/>.</summary>
    public Span<char> Reserve(int maxLength)
    {
        var start = CharCount;
        if (start + maxLength > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, start + maxLength));
        }

        return _chars.AsSpan(start, maxLength);
    }

    /// <summary>Records the piece written into the last <see cref="Reserve"/>d span.</summary>
    public void Commit(int length)
    {
        if (length == 0)
        {
            return;
        }

        if (Count == _pieces.Length)
        {
            Array.Resize(ref _pieces, _pieces.Length * 2);
        }

        var start = CharCount;
        _pieces[Count++] = (start, length);
    }
}
