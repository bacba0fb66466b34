using System.Buffers.Binary;

namespace VisPruner.Imaging.Decoding;

/// <summary>Reads the EXIF Orientation tag (0x0112); anything missing or malformed reads as 1 (upright).</summary>
internal static class ExifOrientationReader
{
    /// <summary>From a JPEG APP1 segment body ("Exif\0\0" followed by TIFF data).</summary>
    public static int ReadApp1(ReadOnlySpan<byte> segment) =>
        segment.StartsWith("Exif\0\0"u8) ? ReadTiff(segment[6..]) : 1;

    /// <summary>From bare TIFF-structured EXIF data, as a PNG eXIf chunk holds it.</summary>
    public static int ReadTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return 1;
        }

        bool little = tiff[0] == 'I' && tiff[1] == 'I';
        if (!little && !(tiff[0] == 'M' && tiff[1] == 'M'))
        {
            return 1;
        }

        uint ifd = ReadUInt32(tiff[4..], little);
        if (ifd > (uint)tiff.Length - 2)
        {
            return 1;
        }

        int entries = ReadUInt16(tiff[(int)ifd..], little);
        for (int i = 0; i < entries; i++)
        {
            int entry = (int)ifd + 2 + (12 * i);
            if (entry + 12 > tiff.Length)
            {
                break;
            }

            if (ReadUInt16(tiff[entry..], little) == 0x0112 && ReadUInt16(tiff[(entry + 2)..], little) == 3)
            {
                int value = ReadUInt16(tiff[(entry + 8)..], little);
                return value is >= 1 and <= 8 ? value : 1;
            }
        }

        return 1;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);

    private static uint ReadUInt32(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
}
