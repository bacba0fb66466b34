namespace VisPruner.Imaging.Jpeg;

/// <summary>
/// Reads entropy-coded bits: removes 0xFF00 stuffing and, at a marker or the end of the data, supplies zero bits
/// (as libjpeg does) while recording whether real data ran out, so corrupt scans end instead of looping.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private ulong _buffer;
    private int _count;
    private int _paddedBytes;

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        Position = position;
    }

    /// <summary>Offset of the next unread byte in the file.</summary>
    public int Position { get; private set; }

    /// <summary>True once padding bits (past a marker or the end of the file) have been consumed, not just peeked.</summary>
    public readonly bool Overran => _paddedBytes * 8 > _count;

    private void Fill()
    {
        while (_count <= 56)
        {
            int b = 0;
            if (Position < _data.Length)
            {
                b = _data[Position];
                if (b == 0xFF)
                {
                    int next = Position + 1 < _data.Length ? _data[Position + 1] : -1;
                    if (next == 0x00)
                    {
                        Position += 2;
                    }
                    else
                    {
                        b = 0; // A marker: leave it for the parser, feed zeros.
                        _paddedBytes++;
                    }
                }
                else
                {
                    Position++;
                }
            }
            else
            {
                _paddedBytes++;
            }

            _buffer = (_buffer << 8) | (uint)b;
            _count += 8;
        }
    }

    public int ReadBit()
    {
        if (_count < 1)
        {
            Fill();
        }

        _count--;
        return (int)(_buffer >> _count) & 1;
    }

    /// <summary>Reads <paramref name="n"/> bits (0..16) as an unsigned value.</summary>
    public int Receive(int n)
    {
        if (n == 0)
        {
            return 0;
        }

        if (_count < n)
        {
            Fill();
        }

        _count -= n;
        return (int)(_buffer >> _count) & ((1 << n) - 1);
    }

    /// <summary>Reads <paramref name="n"/> bits and sign-extends them as JPEG magnitude categories require.</summary>
    public int ReceiveExtend(int n)
    {
        int v = Receive(n);
        return n == 0 ? 0 : v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
    }

    public int Decode(HuffmanTable table)
    {
        if (_count < 16)
        {
            Fill();
        }

        int peek = (int)(_buffer >> (_count - 16)) & 0xFFFF;
        int entry = table.Lookup[peek >> (16 - HuffmanTable.LookupBits)];
        if (entry != 0)
        {
            _count -= entry >> 8;
            return entry & 0xFF;
        }

        int length = HuffmanTable.LookupBits + 1;
        int code = peek >> (16 - length);
        while (code > table.MaxCode[length])
        {
            length++;
            code = peek >> (16 - length);
        }

        int index = code + table.ValueOffset[Math.Min(length, 16)];
        if (length > 16 || (uint)index >= (uint)table.Values.Length)
        {
            throw new InvalidImageException("JPEG entropy-coded data contains a code its Huffman table does not define.");
        }

        _count -= length;
        return table.Values[index];
    }

    /// <summary>
    /// Handles a restart interval boundary: drops buffered bits and consumes the next marker if it is RSTn.
    /// </summary>
    public void Restart()
    {
        _buffer = 0;
        _count = 0;
        _paddedBytes = 0;
        while (Position + 1 < _data.Length && !(_data[Position] == 0xFF && _data[Position + 1] is not 0x00 and not 0xFF))
        {
            Position++;
        }

        if (Position + 1 < _data.Length && _data[Position + 1] is >= 0xD0 and <= 0xD7)
        {
            Position += 2;
        }
    }

    /// <summary>Moves to the marker after the scan so the parser can continue.</summary>
    public void SkipToMarker()
    {
        while (Position + 1 < _data.Length && !(_data[Position] == 0xFF && _data[Position + 1] is not 0x00 and not 0xFF and not (>= 0xD0 and <= 0xD7)))
        {
            Position++;
        }
    }
}
