using System.Buffers.Binary;

namespace VisPruner.Tests.Shared;

/// <summary>
/// PNG files that are only a signature, a header declaring any size, zeros where compressed pixels would be and an end
/// chunk: small files that claim huge canvases. Anything that decoded them would fail (they hold no pixels); reading
/// their header is all that may happen.
/// </summary>
internal static class HeaderOnlyImages
{
    public static byte[] Png(int width, int height)
    {
        var file = new List<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(file, "IHDR", header);
        // Data that is not a compressed image but is long enough to be one (deflate shrinks at most about 1,032:1), so the
        // size check of a header reader passes and only a decoder would find the file unusable.
        Chunk(file, "IDAT", new byte[(int)Math.Min(int.MaxValue / 2, ((long)width * height * 3 / 1000) + 64)]);
        Chunk(file, "IEND", []);
        return [.. file];
    }

    private static void Chunk(List<byte> file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.AddRange(length);
        byte[] typed = [.. type.Select(c => (byte)c), .. data];
        file.AddRange(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.AddRange(crc);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
