using System.Buffers.Binary;

namespace VisPruner.Imaging.Decoding;

/// <summary>
/// Walks the marker segments of a JPEG from SOI up to the first scan (SOS) or EOI, bounds-checked: a segment whose
/// length runs past the data ends the walk.
/// </summary>
internal ref struct JpegSegmentReader(ReadOnlySpan<byte> jpeg)
{
    private readonly ReadOnlySpan<byte> _jpeg = jpeg;
    private int _position = 2; // after SOI

    /// <summary>The current segment's marker (the byte after 0xFF).</summary>
    public byte Marker { get; private set; }

    /// <summary>The current segment's content, after its length field.</summary>
    public ReadOnlySpan<byte> Body { get; private set; }

    public bool MoveNext()
    {
        while (_position + 4 <= _jpeg.Length && _jpeg[_position] == 0xFF)
        {
            byte marker = _jpeg[_position + 1];
            if (marker == 0xFF)
            {
                _position++; // fill byte
                continue;
            }

            if (marker is 0xDA or 0xD9)
            {
                return false; // start of scan or end of image: no more header segments
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                _position += 2; // markers without a length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(_jpeg[(_position + 2)..]);
            if (length < 2 || _position + 2 + length > _jpeg.Length)
            {
                return false;
            }

            Marker = marker;
            Body = _jpeg.Slice(_position + 4, length - 2);
            _position += 2 + length;
            return true;
        }

        return false;
    }
}
