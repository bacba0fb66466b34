using SkiaSharp;

namespace VisPruner.Imaging.Decoding;

/// <summary>
/// The encoded file as a Skia stream, read in place from memory the caller keeps pinned. Skia's codecs pull their
/// input through <see cref="OnRead"/> a few kilobytes at a time while they decode, so it doubles as a cancellation
/// point inside native decoding: once the token is cancelled every read returns no data, the codec stops as if the
/// file were truncated, and the caller turns that into <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// Implemented on <see cref="SKAbstractManagedStream"/> rather than <see cref="SKManagedStream"/> because the latter
/// stages every read in a buffer rented from the shared array pool, and WebP asks for the whole file in one read.
/// </remarks>
internal sealed unsafe class PinnedSourceStream : SKAbstractManagedStream
{
    private readonly byte* _data;
    private readonly long _length;
    private readonly CancellationToken _cancellationToken;
    private long _position;

    public PinnedSourceStream(byte* data, long length, CancellationToken cancellationToken)
    {
        _data = data;
        _length = length;
        _cancellationToken = cancellationToken;
    }

    protected override IntPtr OnRead(IntPtr buffer, IntPtr size)
    {
        if (_cancellationToken.IsCancellationRequested)
        {
            return IntPtr.Zero;
        }

        long count = Copy(buffer, size);
        _position += count;
        return checked((IntPtr)count);
    }

    protected override IntPtr OnPeek(IntPtr buffer, IntPtr size) => checked((IntPtr)Copy(buffer, size));

    protected override bool OnIsAtEnd() => _position >= _length;

    protected override bool OnHasPosition() => true;

    protected override bool OnHasLength() => true;

    protected override bool OnRewind()
    {
        _position = 0;
        return true;
    }

    protected override IntPtr OnGetPosition() => checked((IntPtr)_position);

    protected override IntPtr OnGetLength() => checked((IntPtr)_length);

    protected override bool OnSeek(IntPtr position)
    {
        _position = Math.Clamp((long)position, 0, _length);
        return true;
    }

    protected override bool OnMove(int offset)
    {
        _position = Math.Clamp(_position + offset, 0, _length);
        return true;
    }

    // Duplicating the stream is optional for codecs; none of the supported ones needs it.
    protected override IntPtr OnCreateNew() => IntPtr.Zero;

    /// <summary>Copies up to <paramref name="size"/> bytes from the current position; a null buffer means skip.</summary>
    private long Copy(IntPtr buffer, IntPtr size)
    {
        long count = Math.Min((long)size, _length - _position);
        if (buffer != IntPtr.Zero && count > 0)
        {
            Buffer.MemoryCopy(_data + _position, (void*)buffer, count, count);
        }

        return count;
    }
}
