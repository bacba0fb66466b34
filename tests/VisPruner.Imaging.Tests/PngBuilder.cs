using System.Buffers.Binary;
using System.IO.Compression;

namespace VisPruner.Imaging.Tests;

/// <summary>Builds PNG files chunk by chunk, to craft hostile inputs a normal encoder would never write.</summary>
internal static class PngBuilder
{
    public static byte[] Build(params (string Type, byte[] Data)[] chunks)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] word = new byte[4];
        foreach ((string type, byte[] data) in chunks)
        {
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
            output.Write(word);
            byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
            output.Write(typeAndData);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc(typeAndData));
            output.Write(word);
        }

        return output.ToArray();
    }

    public static byte[] Header(uint width, uint height, byte depth = 8, byte colorType = 2)
    {
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = depth;
        ihdr[9] = colorType;
        return ihdr;
    }

    public static byte[] Zlib(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            z.Write(raw);
        }

        return output.ToArray();
    }

    public static uint Crc(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
