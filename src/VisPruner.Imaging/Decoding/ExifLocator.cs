using System.Buffers.Binary;

namespace VisPruner.Imaging.Decoding;

/// <summary>
/// Finds the EXIF orientation where Pillow's <c>exif_transpose</c> looks for it: a JPEG APP1 "Exif" segment before the
/// scan data (the first one that states an orientation), a PNG eXIf chunk anywhere in the file (the last one), a WebP
/// EXIF chunk. Only segment and chunk headers are read, with bounds checked; anything malformed reads as 1 (upright).
/// </summary>
internal static class ExifLocator
{
    public static int ReadOrientation(ImageFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFormat.Jpeg => FromJpeg(data),
        ImageFormat.Png => FromPng(data),
        ImageFormat.WebP => FromWebP(data),
        _ => 1,
    };

    private static int FromJpeg(ReadOnlySpan<byte> data)
    {
        var segments = new JpegSegmentReader(data);
        while (segments.MoveNext())
        {
            int orientation = segments.Marker == 0xE1 ? ExifOrientationReader.ReadApp1(segments.Body) : 1;
            if (orientation != 1)
            {
                return orientation;
            }
        }

        return 1;
    }

    private static int FromPng(ReadOnlySpan<byte> data)
    {
        int orientation = 1;
        long pos = 8;
        while (pos + 12 <= data.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)pos..]);
            ReadOnlySpan<byte> type = data.Slice((int)pos + 4, 4);
            if (length > data.Length - pos - 12)
            {
                break;
            }

            if (type.SequenceEqual("eXIf"u8))
            {
                orientation = ExifOrientationReader.ReadTiff(data.Slice((int)pos + 8, (int)length));
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            pos += 12 + length;
        }

        return orientation;
    }

    private static int FromWebP(ReadOnlySpan<byte> data)
    {
        long pos = 12;
        while (pos + 8 <= data.Length)
        {
            long length = BinaryPrimitives.ReadUInt32LittleEndian(data[((int)pos + 4)..]);
            if (length > data.Length - pos - 8)
            {
                break;
            }

            if (data.Slice((int)pos, 4).SequenceEqual("EXIF"u8))
            {
                ReadOnlySpan<byte> exif = data.Slice((int)pos + 8, (int)length);
                return ExifOrientationReader.ReadTiff(exif.StartsWith("Exif\0\0"u8) ? exif[6..] : exif);
            }

            pos += 8 + length + (length & 1); // chunks are padded to an even size
        }

        return 1;
    }
}
