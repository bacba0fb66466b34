namespace VisPruner.Imaging.Png;

/// <summary>
/// A write-only stream that packs the zlib data written to it into IDAT chunks of at most
/// <see cref="ChunkSize"/> bytes, so an image is encoded without holding its whole compressed stream.
/// </summary>
internal sealed class IdatChunkStream(Stream destination) : Stream
{
    /// <summary>libpng's default IDAT size: large enough that chunk overhead is negligible.</summary>
    public const int ChunkSize = 8192;

    private readonly byte[] _buffer = new byte[ChunkSize];
    private int _count;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = Math.Min(buffer.Length, ChunkSize - _count);
            buffer[..n].CopyTo(_buffer.AsSpan(_count));
            _count += n;
            buffer = buffer[n..];
            if (_count == ChunkSize)
            {
                WriteChunk();
            }
        }
    }

    /// <summary>Writes the last, partial chunk. Not done by <see cref="Flush"/>, which zlib calls mid-stream.</summary>
    public void Complete()
    {
        if (_count > 0)
        {
            WriteChunk();
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void WriteChunk()
    {
        PngChunkWriter.Write(destination, "IDAT"u8, _buffer.AsSpan(0, _count));
        _count = 0;
    }
}
