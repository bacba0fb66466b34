using System.Buffers.Binary;

namespace VisPruner.Imaging.Png;

/// <summary>Writes PNG chunks: big-endian length, type, data, CRC-32 of type and data.</summary>
internal static class PngChunkWriter
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static void Write(Stream destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        destination.Write(word);
        destination.Write(type);
        destination.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(type, data));
        destination.Write(word);
    }
}
